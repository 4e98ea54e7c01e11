#include "filter/sender_auth.h"

#include "address.h"
#include "text.h"

namespace ms::filter {

namespace {

// Skips blanks and (nested) comments, as CFWS.
std::string_view SkipCfws(std::string_view s) {
  while (!s.empty()) {
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
      s.remove_prefix(1);
    } else if (s[0] == '(') {
      int depth = 0;
      size_t i = 0;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '(') ++depth;
        else if (s[i] == ')' && --depth == 0) break;
      }
      s.remove_prefix(i < s.size() ? i + 1 : s.size());
    } else {
      break;
    }
  }
  return s;
}

// A token or quoted string at the start of s; s moves past it.
std::string TakeValue(std::string_view* s) {
  std::string out;
  if (!s->empty() && (*s)[0] == '"') {
    size_t i = 1;
    for (; i < s->size() && (*s)[i] != '"'; ++i) {
      if ((*s)[i] == '\\' && i + 1 < s->size()) ++i;
      out += (*s)[i];
    }
    s->remove_prefix(i < s->size() ? i + 1 : s->size());
    return out;
  }
  size_t end = s->find_first_of(" \t\r\n;()");
  out = std::string(s->substr(0, end));
  s->remove_prefix(end == std::string_view::npos ? s->size() : end);
  return out;
}

std::string DomainOf(std::string_view address) {
  size_t at = address.rfind('@');
  return LowerCase(at == std::string_view::npos ? address : address.substr(at + 1));
}

// RFC 2045 token: printable ASCII except tspecials; anything else is quoted.
bool IsToken(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos)
      return false;
  }
  return true;
}

std::string Quoted(std::string_view v) {
  if (IsToken(v)) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    auto u = static_cast<unsigned char>(c);
    if (u < 32 || u == 127) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<SpfOutcome> ReceivedSpfOnTop(const TopHeader& header) {
  const auto& fields = header.section.fields;
  if (fields.empty() || !fields[0].Is("Received-SPF")) return std::nullopt;
  std::string value = Unfolded(fields[0]);
  std::string_view rest = SkipCfws(value);
  SpfOutcome spf;
  spf.result = LowerCase(TakeValue(&rest));
  static const char* const kResults[] = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror"};
  bool known = false;
  for (const char* r : kResults) known = known || spf.result == r;
  if (!known) return std::nullopt;
  std::string envelope_from, helo, identity;
  // key=value pairs, separated by ';', after the comment.
  while (true) {
    rest = SkipCfws(rest);
    if (rest.empty()) break;
    if (rest[0] == ';') {
      rest.remove_prefix(1);
      continue;
    }
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string key = LowerCase(Trim(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    rest = SkipCfws(rest);
    std::string v = TakeValue(&rest);
    if (key == "envelope-from") envelope_from = v;
    else if (key == "helo") helo = v;
    else if (key == "identity") identity = LowerCase(v);
  }
  bool by_helo = identity == "helo" || (identity.empty() && (envelope_from.empty() || envelope_from == "<>"));
  spf.domain = by_helo ? LowerCase(helo) : DomainOf(envelope_from);
  return spf;
}

bool ClaimsToBe(const queue::HeaderField& field, std::string_view me) {
  std::string value = Unfolded(field);
  std::string_view rest = SkipCfws(value);
  return EqualsIgnoringCase(TakeValue(&rest), me);
}

std::string AuthenticationResults(std::string_view me, const std::optional<SpfOutcome>& spf,
                                  const std::vector<DkimOutcome>& dkim, const dmarc::Evaluation& dmarc,
                                  std::string_view from_domain) {
  std::string out = "Authentication-Results: " + std::string(me);
  if (spf && !spf->result.empty()) {
    out += ";\n\tspf=" + spf->result;
    if (!spf->domain.empty()) out += " smtp.mailfrom=" + Quoted(spf->domain);
  } else {
    out += ";\n\tspf=none";
  }
  if (dkim.empty()) out += ";\n\tdkim=none";
  for (const DkimOutcome& d : dkim) {
    out += ";\n\tdkim=" + d.result;
    if (!d.reason.empty() && d.result != "pass") out += " (" + Quoted(d.reason).substr(0, 200) + ")";
    out += " header.d=" + Quoted(d.domain) + " header.s=" + Quoted(d.selector);
  }
  out += ";\n\tdmarc=" + std::string(dmarc::OutcomeName(dmarc.outcome));
  if (dmarc.outcome == dmarc::Outcome::kPass || dmarc.outcome == dmarc::Outcome::kFail)
    out += std::string(" (p=") + dmarc::PolicyName(dmarc.published) + " dis=" +
           dmarc::PolicyName(dmarc.disposition) + ")";
  if (!from_domain.empty()) out += " header.from=" + Quoted(from_domain);
  return out + "\n";
}

}  // namespace ms::filter
