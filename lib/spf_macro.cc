#include "spf_macro.h"

#include <algorithm>
#include <vector>

namespace ms::spf {

namespace {

// No honest expansion comes near this; a hostile record full of %{s}
// stops here instead of growing memory.
constexpr size_t kMaxExpansion = 65536;

bool IsDelimiter(char c) {
  return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool KnownLetter(char lower, MacroUse use) {
  switch (lower) {
    case 's': case 'l': case 'o': case 'd': case 'i': case 'p': case 'h': case 'v': return true;
    case 'c': case 'r': case 't': return use == MacroUse::kExplanation;
    default: return false;
  }
}

// One %{...} body: letter, digits, optional r, delimiters.
struct MacroSpec {
  char letter = 0;  // as written (case says whether to URL-escape)
  size_t digits = 0;  // 0: all parts
  bool reverse = false;
  std::string delimiters;
};

// Parses text[pos] (just after "%{") up to the "}"; *end gets the index after it.
bool ParseSpec(std::string_view text, size_t pos, MacroUse use, MacroSpec* spec, size_t* end, std::string* error) {
  if (pos >= text.size()) {
    *error = "unterminated macro";
    return false;
  }
  spec->letter = text[pos++];
  if (!KnownLetter(Lower(spec->letter), use)) {
    *error = std::string("unknown macro letter '") + spec->letter + "'";
    if (use == MacroUse::kDomainSpec && (Lower(spec->letter) == 'c' || Lower(spec->letter) == 'r' || Lower(spec->letter) == 't'))
      *error = std::string("macro letter '") + spec->letter + "' is allowed in exp= text only";
    return false;
  }
  bool have_digits = false;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    have_digits = true;
    if (spec->digits < 1000) spec->digits = spec->digits * 10 + static_cast<size_t>(text[pos] - '0');
    ++pos;
  }
  if (have_digits && spec->digits == 0) {
    *error = "macro digit transformer 0";
    return false;
  }
  if (pos < text.size() && Lower(text[pos]) == 'r') {
    spec->reverse = true;
    ++pos;
  }
  while (pos < text.size() && IsDelimiter(text[pos])) spec->delimiters += text[pos++];
  if (pos >= text.size() || text[pos] != '}') {
    *error = "malformed macro";
    return false;
  }
  *end = pos + 1;
  return true;
}

std::string UrlEscape(std::string_view value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string LetterValue(char lower, const MacroValues& v) {
  switch (lower) {
    case 's': return v.sender;
    case 'l': return v.local_part;
    case 'o': return v.sender_domain;
    case 'd': return v.domain;
    case 'i': return DottedIp(v.ip);
    case 'p': return v.validated_name ? v.validated_name() : std::string("unknown");
    case 'h': return v.helo;
    case 'v': return v.ip.v6 ? "ip6" : "in-addr";
    case 'c': return v.ip.ToString();
    case 'r': return v.receiver.empty() ? std::string("unknown") : v.receiver;
    case 't': return std::to_string(static_cast<long long>(v.now));
  }
  return std::string();
}

// Section 7.3: split on the delimiters, reverse, keep the rightmost N, join with ".".
std::string Transform(const std::string& value, const MacroSpec& spec) {
  if (spec.digits == 0 && !spec.reverse && spec.delimiters.empty()) return value;
  std::string_view delimiters = spec.delimiters.empty() ? std::string_view(".") : std::string_view(spec.delimiters);
  std::vector<std::string_view> parts;
  std::string_view rest = value;
  for (;;) {
    size_t cut = rest.find_first_of(delimiters);
    parts.push_back(rest.substr(0, cut));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  if (spec.reverse) std::reverse(parts.begin(), parts.end());
  size_t first = spec.digits && spec.digits < parts.size() ? parts.size() - spec.digits : 0;
  std::string out;
  for (size_t i = first; i < parts.size(); ++i) {
    if (i > first) out += '.';
    out += parts[i];
  }
  return out;
}

// Walks text; calls literal(piece) and macro(spec) in order.
template <typename Literal, typename Macro>
bool Walk(std::string_view text, MacroUse use, std::string* error, Literal literal, Macro macro) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '%') {
      bool ok = (c >= 0x21 && c <= 0x7e) || (c == ' ' && use == MacroUse::kExplanation);
      if (!ok) {
        *error = "invalid character in macro-string";
        return false;
      }
      size_t j = i;
      while (j < text.size() && text[j] != '%' && ((text[j] >= 0x21 && text[j] <= 0x7e) || (text[j] == ' ' && use == MacroUse::kExplanation)))
        ++j;
      if (!literal(text.substr(i, j - i))) return false;
      i = j;
      continue;
    }
    if (i + 1 >= text.size()) {
      *error = "'%' at the end of a macro-string";
      return false;
    }
    char next = text[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      if (!literal(next == '%' ? std::string_view("%") : next == '_' ? std::string_view(" ") : std::string_view("%20")))
        return false;
      i += 2;
      continue;
    }
    if (next != '{') {
      *error = "'%' not followed by {, %, _ or -";
      return false;
    }
    MacroSpec spec;
    size_t end = 0;
    if (!ParseSpec(text, i + 2, use, &spec, &end, error)) return false;
    if (!macro(spec)) return false;
    i = end;
  }
  return true;
}

}  // namespace

std::string DottedIp(const IpAddress& ip) {
  if (!ip.v6) return ip.ToString();
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : ip.bytes) {
    if (!out.empty()) out += '.';
    out += kHex[b >> 4];
    out += '.';
    out += kHex[b & 15];
  }
  return out;
}

bool CheckMacroString(std::string_view text, MacroUse use, std::string* error) {
  return Walk(text, use, error, [](std::string_view) { return true; }, [](const MacroSpec&) { return true; });
}

bool ExpandMacroString(std::string_view text, MacroUse use, const MacroValues& values, std::string* out,
                       std::string* error) {
  out->clear();
  auto room = [&]() {
    if (out->size() <= kMaxExpansion) return true;
    *error = "macro expansion too long";
    return false;
  };
  return Walk(
      text, use, error,
      [&](std::string_view piece) {
        out->append(piece);
        return room();
      },
      [&](const MacroSpec& spec) {
        char lower = Lower(spec.letter);
        std::string value = Transform(LetterValue(lower, values), spec);
        out->append(lower != spec.letter ? UrlEscape(value) : value);
        return room();
      });
}

std::string TruncateDomain(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  while (name.size() > 253) {
    size_t dot = name.find('.');
    if (dot == std::string::npos) return std::string();
    name.erase(0, dot + 1);
  }
  return name;
}

}  // namespace ms::spf
