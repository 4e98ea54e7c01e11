#include "spf_record.h"

#include "spf_macro.h"

namespace ms::spf {

namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool IsTopLabel(std::string_view label) {
  if (label.empty()) return false;
  bool has_alpha = false, has_hyphen = false;
  for (char c : label) {
    if (IsAlpha(c)) has_alpha = true;
    else if (c == '-') has_hyphen = true;
    else if (!IsDigit(c)) return false;
  }
  if (!has_hyphen) return has_alpha;
  return IsAlnum(label.front()) && IsAlnum(label.back());
}

// "0" / %x31-39 0*kMaxDigits-1 DIGIT, at most max.
bool ParseCidr(std::string_view text, int max, int* out) {
  if (text.empty() || text.size() > 3) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  int value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// Splits "body/N//M", "body//M", "body/N" into body and the lengths
// (dual-cidr-length, section 5.6); cidr6_allowed false for ip4.
bool SplitCidr(std::string_view arg, bool dual, bool v6_only, std::string_view* body, int* cidr4, int* cidr6,
               std::string* error) {
  *body = arg;
  if (dual) {
    size_t two = body->rfind("//");
    if (two != std::string_view::npos && body->find('/', two + 2) == std::string_view::npos) {
      if (!ParseCidr(body->substr(two + 2), 128, cidr6)) {
        *error = "bad IPv6 CIDR length";
        return false;
      }
      *body = body->substr(0, two);
    }
  }
  size_t one = body->rfind('/');
  if (one != std::string_view::npos) {
    std::string_view digits = body->substr(one + 1);
    bool all_digits = !digits.empty();
    for (char c : digits) all_digits = all_digits && IsDigit(c);
    if (all_digits || !dual) {
      int* target = v6_only ? cidr6 : cidr4;
      if (!ParseCidr(digits, v6_only ? 128 : 32, target)) {
        *error = v6_only ? "bad IPv6 CIDR length" : "bad IPv4 CIDR length";
        return false;
      }
      *body = body->substr(0, one);
    }
  }
  return true;
}

bool ParseMechanism(std::string_view term, Mechanism* m, std::string* error) {
  m->text = std::string(term);
  switch (term.empty() ? 0 : term[0]) {
    case '+': m->qualifier = Qualifier::kPass; term.remove_prefix(1); break;
    case '-': m->qualifier = Qualifier::kFail; term.remove_prefix(1); break;
    case '~': m->qualifier = Qualifier::kSoftFail; term.remove_prefix(1); break;
    case '?': m->qualifier = Qualifier::kNeutral; term.remove_prefix(1); break;
  }
  size_t name_end = 0;
  while (name_end < term.size() && IsAlnum(term[name_end])) ++name_end;
  std::string_view name = term.substr(0, name_end);
  std::string_view rest = term.substr(name_end);
  auto unknown = [&] {
    *error = "unknown mechanism '" + std::string(m->text.substr(0, 100)) + "'";
    return false;
  };
  // ":" domain-spec, required or optional.
  auto domain_arg = [&](bool required, std::string_view* arg) {
    if (rest.empty() || rest[0] != ':') {
      *arg = rest;  // a CIDR suffix or nothing
      if (required) {
        *error = std::string(name) + " needs a domain: '" + m->text.substr(0, 100) + "'";
        return false;
      }
      return true;
    }
    *arg = rest.substr(1);
    return true;
  };
  if (EqualsNoCase(name, "all")) {
    if (!rest.empty()) return unknown();
    m->kind = MechanismKind::kAll;
    return true;
  }
  if (EqualsNoCase(name, "include") || EqualsNoCase(name, "exists")) {
    m->kind = EqualsNoCase(name, "include") ? MechanismKind::kInclude : MechanismKind::kExists;
    std::string_view arg;
    if (rest.empty() || rest[0] != ':') {
      *error = std::string(name) + " needs ':' and a domain: '" + m->text.substr(0, 100) + "'";
      return false;
    }
    arg = rest.substr(1);
    if (!CheckDomainSpec(arg, error)) return false;
    m->domain_spec = std::string(arg);
    return true;
  }
  if (EqualsNoCase(name, "a") || EqualsNoCase(name, "mx") || EqualsNoCase(name, "ptr")) {
    bool is_ptr = EqualsNoCase(name, "ptr");
    m->kind = is_ptr ? MechanismKind::kPtr : EqualsNoCase(name, "a") ? MechanismKind::kA : MechanismKind::kMx;
    std::string_view arg;
    bool has_domain = !rest.empty() && rest[0] == ':';
    if (!rest.empty() && rest[0] != ':' && rest[0] != '/') return unknown();
    if (!domain_arg(false, &arg)) return false;
    std::string_view body = arg;
    if (!is_ptr && !SplitCidr(arg, true, false, &body, &m->cidr4, &m->cidr6, error)) return false;
    if (has_domain) {
      if (!CheckDomainSpec(body, error)) return false;
      m->domain_spec = std::string(body);
    } else if (!body.empty()) {
      return unknown();
    }
    return true;
  }
  if (EqualsNoCase(name, "ip4") || EqualsNoCase(name, "ip6")) {
    bool v6 = EqualsNoCase(name, "ip6");
    m->kind = v6 ? MechanismKind::kIp6 : MechanismKind::kIp4;
    if (rest.empty() || rest[0] != ':') {
      *error = std::string(name) + " needs ':' and an address: '" + m->text.substr(0, 100) + "'";
      return false;
    }
    std::string_view body;
    if (!SplitCidr(rest.substr(1), false, v6, &body, &m->cidr4, &m->cidr6, error)) return false;
    if (v6) {
      auto parsed = IpAddress::Parse(body);
      if (!parsed || !parsed->v6 || body.find(':') == std::string_view::npos) {
        *error = "bad ip6 address '" + std::string(body.substr(0, 100)) + "'";
        return false;
      }
      m->network = *parsed;
    } else if (!ParseIp4Network(body, &m->network)) {
      *error = "bad ip4 address '" + std::string(body.substr(0, 100)) + "'";
      return false;
    }
    return true;
  }
  return unknown();
}

}  // namespace

bool IsSpfRecordText(std::string_view text) {
  if (text.size() < 6 || !EqualsNoCase(text.substr(0, 6), "v=spf1")) return false;
  return text.size() == 6 || text[6] == ' ';
}

bool ParseIp4Network(std::string_view text, IpAddress* out) {
  char bytes[4];
  size_t part = 0, i = 0;
  while (part < 4) {
    size_t start = i;
    int value = 0;
    while (i < text.size() && IsDigit(text[i]) && i - start < 3) value = value * 10 + (text[i++] - '0');
    size_t digits = i - start;
    if (digits == 0 || (digits > 1 && text[start] == '0') || value > 255) return false;
    bytes[part++] = static_cast<char>(value);
    if (part < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  if (i != text.size()) return false;
  *out = IpAddress::V4(bytes);
  return true;
}

bool CheckDomainSpec(std::string_view spec, std::string* error) {
  if (spec.empty()) {
    *error = "empty domain-spec";
    return false;
  }
  if (!CheckMacroString(spec, MacroUse::kDomainSpec, error)) return false;
  // domain-end: a macro-expand ("}" of %{..}, or %% %_ %-) ...
  if (spec.back() == '}') return true;
  if (spec.size() >= 2 && spec[spec.size() - 2] == '%') return true;
  // ... or "." toplabel ["."]
  std::string_view rest = spec;
  if (rest.back() == '.') rest.remove_suffix(1);
  size_t dot = rest.rfind('.');
  if (dot == std::string_view::npos || !IsTopLabel(rest.substr(dot + 1))) {
    *error = "domain-spec '" + std::string(spec.substr(0, 100)) + "' does not end in a top label";
    return false;
  }
  return true;
}

bool ParseRecord(std::string_view text, Record* record, std::string* error) {
  *record = Record();
  if (!IsSpfRecordText(text)) {
    *error = "not an SPF record";
    return false;
  }
  std::string_view rest = text.substr(6);
  while (!rest.empty()) {
    if (rest[0] != ' ') {
      *error = "terms must be separated by spaces";
      return false;
    }
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    size_t end = rest.find(' ');
    std::string_view term = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    // modifier: name "=" ...; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
    size_t n = 0;
    if (IsAlpha(term[0])) {
      n = 1;
      while (n < term.size() && (IsAlnum(term[n]) || term[n] == '-' || term[n] == '_' || term[n] == '.')) ++n;
    }
    if (n > 0 && n < term.size() && term[n] == '=') {
      std::string_view name = term.substr(0, n), value = term.substr(n + 1);
      bool redirect = EqualsNoCase(name, "redirect"), exp = EqualsNoCase(name, "exp");
      if (redirect || exp) {
        bool& seen = redirect ? record->has_redirect : record->has_exp;
        if (seen) {
          *error = std::string(redirect ? "redirect=" : "exp=") + " appears more than once";
          return false;
        }
        if (!CheckDomainSpec(value, error)) return false;
        seen = true;
        (redirect ? record->redirect : record->exp) = std::string(value);
      } else if (!CheckMacroString(value, MacroUse::kDomainSpec, error)) {
        return false;
      }
      continue;
    }
    Mechanism m;
    if (!ParseMechanism(term, &m, error)) return false;
    record->mechanisms.push_back(std::move(m));
  }
  return true;
}

}  // namespace ms::spf
