#include "address.h"

#include <arpa/inet.h>

#include "text.h"
#include "utf8_address.h"

namespace ms {

namespace {

bool IsAtext(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '/': case '=': case '?': case '^': case '_': case '`': case '{':
    case '|': case '}': case '~':
      return true;
    default:
      return false;
  }
}

bool IsLetDig(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Parses a local part at the start of *text, consuming it.
// With utf8, octets above 127 count as atext and qtext (RFC 6531's
// UTF8-non-ascii); the caller has checked that they are well-formed.
bool ParseLocalPart(std::string_view* text, std::string* local, bool* quoted, bool utf8) {
  std::string_view t = *text;
  local->clear();
  if (!t.empty() && t.front() == '"') {
    *quoted = true;
    size_t i = 1;
    for (;;) {
      if (i >= t.size()) return false;  // unterminated quote
      unsigned char c = static_cast<unsigned char>(t[i]);
      if (c == '"') break;
      if (c == '\\') {
        if (i + 1 >= t.size()) return false;
        unsigned char n = static_cast<unsigned char>(t[i + 1]);
        if (n < 32 || n == 127 || (n > 127 && !utf8)) return false;
        local->push_back(static_cast<char>(n));
        i += 2;
        continue;
      }
      if (c < 32 || c == 127 || (c > 127 && !utf8)) return false;
      local->push_back(static_cast<char>(c));
      ++i;
    }
    text->remove_prefix(i + 1);
    return true;
  }
  *quoted = false;
  size_t i = 0;
  bool need_atom = true;
  while (i < t.size()) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (IsAtext(c) || (utf8 && c > 127)) {
      need_atom = false;
    } else if (c == '.' && !need_atom) {
      need_atom = true;
    } else {
      break;
    }
    ++i;
  }
  if (i == 0 || need_atom) return false;  // empty, leading/trailing/double dot
  local->assign(t.substr(0, i));
  text->remove_prefix(i);
  return true;
}

bool ValidIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t start = i;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
      value = value * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start || value > 255) return false;
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') return false;  // 4+ digits
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// Parses a domain or address literal; returns it lower-cased.
bool ParseDomain(std::string_view text, std::string* domain, AddressError* error, bool utf8) {
  if (text.empty()) {
    *error = AddressError::kBadDomain;
    return false;
  }
  if (text.front() == '[') {
    if (text.back() != ']' || text.size() < 3) {
      *error = AddressError::kBadLiteral;
      return false;
    }
    std::string_view inner = text.substr(1, text.size() - 2);
    if (inner.size() > 5 && LowerCase(inner.substr(0, 5)) == "ipv6:") {
      std::string v6(inner.substr(5));
      unsigned char buf[16];
      if (v6.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos ||
          inet_pton(AF_INET6, v6.c_str(), buf) != 1) {
        *error = AddressError::kBadLiteral;
        return false;
      }
      *domain = "[IPv6:" + LowerCase(v6) + "]";
      return true;
    }
    if (!ValidIpv4(inner)) {
      *error = AddressError::kBadLiteral;
      return false;
    }
    domain->assign(text);
    return true;
  }
  if (text.size() > kMaxDomain) {
    *error = AddressError::kTooLong;
    return false;
  }
  if (utf8 && !IsAscii(text)) {
    // An internationalised domain: valid when its A-label form is.
    auto ascii = DomainToAscii(text);
    auto nfc = Utf8Nfc(text);
    if (!ascii || !nfc || !IsValidDomain(*ascii)) {
      *error = AddressError::kBadDomain;
      return false;
    }
    *domain = LowerCase(*nfc);
    return true;
  }
  if (!IsValidDomain(text)) {
    *error = AddressError::kBadDomain;
    return false;
  }
  *domain = LowerCase(text);
  return true;
}

}  // namespace

std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool IsValidDomain(std::string_view text) {
  if (text.empty() || text.size() > kMaxDomain) return false;
  size_t label_start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '.') {
      size_t len = i - label_start;
      if (len == 0 || len > 63) return false;
      if (!IsLetDig(static_cast<unsigned char>(text[label_start])) ||
          !IsLetDig(static_cast<unsigned char>(text[i - 1])))
        return false;
      label_start = i + 1;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!IsLetDig(c) && c != '-') return false;
  }
  return true;
}

bool LocalPartNeedsQuoting(std::string_view local) {
  std::string_view t = local;
  std::string decoded;
  bool quoted = false;
  return !(ParseLocalPart(&t, &decoded, &quoted, true) && t.empty() && !quoted);
}

std::string Mailbox::ToString() const {
  std::string out;
  if (LocalPartNeedsQuoting(local)) {
    out += '"';
    for (char c : local) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  } else {
    out += local;
  }
  if (!domain.empty()) {
    out += '@';
    out += domain;
  }
  return out;
}

namespace {

// With SMTPUTF8 the whole text must be well-formed UTF-8 before any
// syntax rule sees it; without, an octet above 127 fails those rules.
bool CheckUtf8(std::string_view text, bool allow_utf8, AddressError* error) {
  if (!allow_utf8 || IsAscii(text) || IsCleanUtf8(text)) return true;
  *error = AddressError::kBadUtf8;
  return false;
}

}  // namespace

Result<Mailbox> ParseMailbox(std::string_view text, bool allow_no_domain, AddressError* error,
                             bool allow_utf8) {
  *error = AddressError::kNone;
  if (!CheckUtf8(text, allow_utf8, error)) return MakeError("address is not well-formed UTF-8");
  Mailbox mailbox;
  std::string_view rest = text;
  if (!ParseLocalPart(&rest, &mailbox.local, &mailbox.quoted, allow_utf8)) {
    *error = AddressError::kSyntax;
    return MakeError("malformed local part");
  }
  if (mailbox.local.size() > kMaxLocalPart) {
    *error = AddressError::kTooLong;
    return MakeError("local part longer than 64 octets");
  }
  if (rest.empty()) {
    if (allow_no_domain) return mailbox;
    *error = AddressError::kBadDomain;
    return MakeError("address has no domain");
  }
  if (rest.front() != '@') {
    *error = AddressError::kSyntax;
    return MakeError("unexpected character after the local part");
  }
  rest.remove_prefix(1);
  if (!ParseDomain(rest, &mailbox.domain, error, allow_utf8)) {
    if (*error == AddressError::kTooLong) return MakeError("domain longer than 255 octets");
    if (*error == AddressError::kBadLiteral) return MakeError("malformed address literal");
    return MakeError("malformed domain");
  }
  return mailbox;
}

Result<Path> ParsePath(std::string_view text, const PathOptions& options, AddressError* error) {
  *error = AddressError::kNone;
  if (text.size() < 2 || text.front() != '<' || text.back() != '>') {
    *error = AddressError::kSyntax;
    return MakeError("address must be enclosed in <>");
  }
  if (text.size() > kMaxPath) {
    *error = AddressError::kTooLong;
    return MakeError("path longer than 256 octets");
  }
  std::string_view inner = text.substr(1, text.size() - 2);
  if (!CheckUtf8(inner, options.allow_utf8, error)) return MakeError("address is not well-formed UTF-8");
  Path path;
  if (inner.empty()) {
    if (!options.allow_null) {
      *error = AddressError::kSyntax;
      return MakeError("null address not allowed here");
    }
    path.null = true;
    return path;
  }
  if (inner.front() == '@') {
    // Source route: @dom(,@dom)*: — validated, then dropped.
    size_t colon = std::string_view::npos;
    size_t pos = 0;
    for (;;) {
      if (pos >= inner.size() || inner[pos] != '@') {
        *error = AddressError::kSyntax;
        return MakeError("malformed source route");
      }
      size_t end = inner.find_first_of(",:", pos + 1);
      if (end == std::string_view::npos) {
        *error = AddressError::kSyntax;
        return MakeError("malformed source route");
      }
      std::string ignored;
      if (!ParseDomain(inner.substr(pos + 1, end - pos - 1), &ignored, error, options.allow_utf8)) {
        *error = AddressError::kSyntax;
        return MakeError("malformed source route");
      }
      if (inner[end] == ':') {
        colon = end;
        break;
      }
      pos = end + 1;
    }
    inner.remove_prefix(colon + 1);
    path.had_source_route = true;
  }
  auto mailbox = ParseMailbox(inner, options.allow_no_domain, error, options.allow_utf8);
  if (!mailbox) return mailbox.error();
  path.mailbox = std::move(*mailbox);
  return path;
}

namespace {


std::string_view WithoutTrailingDots(std::string_view s) {
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

// Compares in place: smtpd calls this for every RCPT against every
// rcpthosts entry, so no lower-cased copies.
// An internationalised domain or entry is compared in its A-label form
// (lib/utf8_address.h), so either spelling matches the other.
bool HostInList(std::string_view domain, const std::vector<std::string>& hosts) {
  std::string ascii_domain;
  if (!IsAscii(domain)) {
    ascii_domain = ComparableDomain(domain);
    domain = ascii_domain;
  }
  std::string_view d = WithoutTrailingDots(domain);
  if (d.empty()) return false;
  std::string ascii_entry;
  for (const auto& entry : hosts) {
    std::string_view h = WithoutTrailingDots(entry);
    if (!IsAscii(h)) {
      ascii_entry = ComparableDomain(h);
      h = ascii_entry;
    }
    if (h.empty()) continue;
    if (EqualsIgnoringCase(h, d)) return true;
    if (h.front() == '.' && d.size() > h.size() &&
        EqualsIgnoringCase(h, d.substr(d.size() - h.size())))
      return true;
  }
  return false;
}

}  // namespace ms
