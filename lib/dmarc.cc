#include "dmarc.h"

#include <map>

#include "address.h"
#include "dkim_tags.h"
#include "text.h"
#include "utf8_address.h"

namespace ms::dmarc {

namespace {

constexpr std::string_view kVersion = "v=DMARC1";

std::optional<Policy> ParsePolicy(std::string_view v) {
  if (EqualsIgnoringCase(v, "none")) return Policy::kNone;
  if (EqualsIgnoringCase(v, "quarantine")) return Policy::kQuarantine;
  if (EqualsIgnoringCase(v, "reject")) return Policy::kReject;
  return std::nullopt;
}

std::optional<Alignment> ParseAlignment(std::string_view v) {
  if (EqualsIgnoringCase(v, "r")) return Alignment::kRelaxed;
  if (EqualsIgnoringCase(v, "s")) return Alignment::kStrict;
  return std::nullopt;
}

// rua= is a comma-separated list of URIs, each maybe followed by "!size";
// a mailto: with an address is what makes one valid here.
bool HasValidReportUri(std::string_view rua) {
  while (!rua.empty()) {
    size_t comma = rua.find(',');
    std::string_view uri = Trim(rua.substr(0, comma), " \t");
    if (StartsWithIgnoringCase(uri, "mailto:") && uri.find('@') != std::string_view::npos) return true;
    if (comma == std::string_view::npos) break;
    rua.remove_prefix(comma + 1);
  }
  return false;
}

Policy Milder(Policy p) { return p == Policy::kReject ? Policy::kQuarantine : Policy::kNone; }

struct Found {
  dns::Status status = dns::Status::kNotFound;
  std::optional<Record> record;
  std::string why;
};

// 6.6.3: the TXT records at _dmarc.domain that start with v=DMARC1; none,
// or more than one, means no policy here.
Found FetchRecord(const std::string& domain, const TxtLookup& lookup) {
  Found found;
  dkim::TxtAnswer answer = lookup("_dmarc." + domain);
  found.status = answer.status;
  if (found.status != dns::Status::kFound) return found;
  const std::vector<std::string>& texts = answer.records;
  std::vector<std::string_view> candidates;
  for (const std::string& t : texts) {
    std::string_view v = TrimLeft(t, " \t");
    if (v.substr(0, kVersion.size()) == kVersion &&
        (v.size() == kVersion.size() || v[kVersion.size()] == ';' || v[kVersion.size()] == ' ' ||
         v[kVersion.size()] == '\t'))
      candidates.push_back(v);
  }
  found.status = dns::Status::kNotFound;
  if (candidates.size() > 1) {
    found.why = "more than one DMARC record at _dmarc." + domain;
    return found;
  }
  if (candidates.empty()) return found;
  auto record = ParseRecord(candidates[0]);
  if (!record) {
    found.why = "unusable DMARC record at _dmarc." + domain + ": " + record.error().message;
    return found;
  }
  found.status = dns::Status::kFound;
  found.record = *record;
  return found;
}

}  // namespace

Result<Record> ParseRecord(std::string_view text) {
  // The tag-list syntax of DKIM (RFC 7489 6.4), read by its parser.
  auto tags = dkim::TagList::Parse(text);
  if (!tags) return tags.error();
  const auto& list = tags->tags();
  if (list.empty() || list[0].name != "v" || list[0].value != "DMARC1")
    return Error{"does not start with v=DMARC1"};
  Record record;
  std::map<std::string, std::string> by_name;
  for (const auto& tag : list) by_name.emplace(std::string(tag.name), std::string(tag.value));
  std::optional<Policy> p;
  if (by_name.count("p")) p = ParsePolicy(by_name["p"]);
  bool sp_bad = by_name.count("sp") && !ParsePolicy(by_name["sp"]);
  if (!p || sp_bad) {
    if (!by_name.count("rua") || !HasValidReportUri(by_name["rua"]))
      return Error{!p ? "no valid p= tag" : "invalid sp= tag"};
    p = Policy::kNone;  // step 6: a valid rua= makes it p=none
    sp_bad = false;
  }
  record.policy = *p;
  if (by_name.count("sp") && !sp_bad) record.subdomain_policy = ParsePolicy(by_name["sp"]);
  if (by_name.count("pct")) {
    auto pct = ParseDecimal(by_name["pct"], 100, 3);
    if (!pct) return Error{"pct= is not a number from 0 to 100"};
    record.percent = static_cast<unsigned>(*pct);
  }
  for (auto [tag, field] : {std::pair{"adkim", &record.dkim_alignment}, std::pair{"aspf", &record.spf_alignment}})
    if (by_name.count(tag)) {
      auto a = ParseAlignment(by_name[tag]);
      if (!a) return Error{std::string(tag) + "= is neither r nor s"};
      *field = *a;
    }
  return record;
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass: return "pass";
    case Outcome::kFail: return "fail";
    case Outcome::kTempError: return "temperror";
    case Outcome::kPermError: return "permerror";
    case Outcome::kNone: break;
  }
  return "none";
}

const char* PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kQuarantine: return "quarantine";
    case Policy::kReject: return "reject";
    case Policy::kNone: break;
  }
  return "none";
}

bool Aligned(std::string_view identifier, std::string_view from_domain, Alignment mode,
             const PublicSuffixList& suffixes) {
  if (identifier.empty() || from_domain.empty()) return false;
  // A-labels on both sides: a From: domain in U-labels (an SMTPUTF8
  // message) is the same domain as its A-label d= or MAIL FROM.
  std::string id = ComparableDomain(identifier), from = ComparableDomain(from_domain);
  if (id == from) return true;
  if (mode == Alignment::kStrict) return false;
  return suffixes.OrganizationalDomain(id) == suffixes.OrganizationalDomain(from);
}

Evaluation Evaluate(const Identifiers& ids, const PublicSuffixList& suffixes, const TxtLookup& lookup,
                    unsigned sample) {
  Evaluation e;
  std::string from(ids.from_domain);
  while (!from.empty() && from.back() == '.') from.pop_back();
  from = ComparableDomain(from);  // _dmarc is asked for in A-labels
  if (from.empty()) {
    e.outcome = Outcome::kPermError;
    e.reason = "no From: domain";
    return e;
  }
  std::string org = suffixes.OrganizationalDomain(from);
  Found found = FetchRecord(from, lookup);
  bool at_org = false;
  if (found.status == dns::Status::kNotFound && org != from) {
    std::string why = found.why;
    found = FetchRecord(org, lookup);
    if (found.why.empty()) found.why = why;
    at_org = true;
  }
  if (found.status == dns::Status::kTemporary) {
    e.outcome = Outcome::kTempError;
    e.reason = "DNS lookup of the DMARC record failed";
    return e;
  }
  if (!found.record) {
    e.reason = found.why.empty() ? "no DMARC record" : found.why;
    return e;
  }
  const Record& rec = *found.record;
  e.record_domain = at_org ? org : from;
  e.published = at_org && rec.subdomain_policy ? *rec.subdomain_policy : rec.policy;
  bool spf_aligned = EqualsIgnoringCase(ids.spf_result, "pass") &&
                     Aligned(ids.spf_domain, from, rec.spf_alignment, suffixes);
  std::string dkim_domain;
  for (const std::string& d : ids.dkim_passed)
    if (Aligned(d, from, rec.dkim_alignment, suffixes)) {
      dkim_domain = d;
      break;
    }
  if (spf_aligned || !dkim_domain.empty()) {
    e.outcome = Outcome::kPass;
    e.reason = !dkim_domain.empty() ? "aligned DKIM pass for " + dkim_domain : "aligned SPF pass for " + ids.spf_domain;
    return e;
  }
  e.outcome = Outcome::kFail;
  e.disposition = sample < rec.percent ? e.published : Milder(e.published);
  e.reason = "no aligned SPF or DKIM pass";
  return e;
}

Result<std::string> FromDomain(std::string_view value) {
  // Walk the field once, keeping quoted strings, comments and <...> apart,
  // collecting the address of each top-level mailbox.
  std::vector<std::string> addresses;
  std::string bare, angle;
  bool in_angle = false, had_angle = false;
  int comment = 0;
  auto end_mailbox = [&]() {
    std::string a(Trim(had_angle ? angle : bare, " \t\r\n"));
    if (!a.empty()) addresses.push_back(a);
    bare.clear();
    angle.clear();
    had_angle = false;
  };
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (comment > 0) {
      if (c == '\\') ++i;
      else if (c == '(') ++comment;
      else if (c == ')') --comment;
      continue;
    }
    if (c == '"') {
      std::string& into = in_angle ? angle : bare;
      into += c;
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) into += value[i++];
        into += value[i];
      }
      into += '"';
      continue;
    }
    if (c == '(') { ++comment; continue; }
    if (in_angle) {
      if (c == '>') in_angle = false;
      else angle += c;
      continue;
    }
    if (c == '<') { in_angle = true; had_angle = true; angle.clear(); continue; }
    if (c == ',') { end_mailbox(); continue; }
    bare += c;
  }
  end_mailbox();
  if (addresses.empty()) return Error{"From: has no address"};
  if (addresses.size() > 1) return Error{"From: has more than one address"};
  const std::string& a = addresses[0];
  size_t at = a.rfind('@');
  if (at == std::string::npos || at + 1 >= a.size()) return Error{"From: address has no domain"};
  std::string domain(Trim(std::string_view(a).substr(at + 1), " \t\r\n"));
  if (domain.empty() || domain.find_first_of(" \t\"<>()[],;:") != std::string::npos)
    return Error{"From: address has no usable domain"};
  return LowerCase(domain);
}

}  // namespace ms::dmarc
