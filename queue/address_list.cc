#include "queue/address_list.h"

#include <cstdint>

namespace ms::queue {

namespace {

enum class Kind { kAtom, kQuoted, kLiteral, kSpecial };

struct Token {
  Kind kind;
  std::string text;  // atom text, unquoted string, "[literal]", or the special char
  bool space_before = false;
};

bool IsSpecial(char c) {
  return c == '<' || c == '>' || c == ':' || c == ';' || c == ',' || c == '@' || c == '.' ||
         c == '(' || c == ')' || c == '[' || c == ']' || c == '"' || c == '\\';
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && !IsSpace(c)) || u == 0x7f;
}

Result<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<Token> tokens;
  bool space = false;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (IsControl(c)) return MakeError("control character in an address header");
    if (IsSpace(c)) {
      space = true;
      ++i;
      continue;
    }
    if (c == '(') {  // comment, may nest; quoted-pairs inside
      int depth = 0;
      for (; i < s.size(); ++i) {
        if (IsControl(s[i])) return MakeError("control character in an address header");
        if (s[i] == '\\') {
          ++i;
        } else if (s[i] == '(') {
          ++depth;
        } else if (s[i] == ')' && --depth == 0) {
          break;
        }
      }
      if (i >= s.size()) return MakeError("unterminated comment in an address header");
      ++i;
      space = true;
      continue;
    }
    Token t{Kind::kAtom, {}, space};
    space = false;
    if (c == '"') {
      t.kind = Kind::kQuoted;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        if (IsControl(s[i])) return MakeError("control character in an address header");
        if (s[i] == '\r' || s[i] == '\n') continue;  // folding inside the string
        t.text += s[i];
      }
      if (i >= s.size()) return MakeError("unterminated quoted string in an address header");
      ++i;
    } else if (c == '[') {
      t.kind = Kind::kLiteral;
      size_t end = s.find(']', i);
      if (end == std::string_view::npos) return MakeError("unterminated domain literal");
      for (size_t k = i; k <= end; ++k) {
        if (IsControl(s[k]) || s[k] == '\\' || (k > i && s[k] == '[')) return MakeError("malformed domain literal");
        if (!IsSpace(s[k])) t.text += s[k];
      }
      i = end + 1;
    } else if (IsSpecial(c)) {
      if (c == ')' || c == ']' || c == '\\') return MakeError(std::string("unexpected '") + c + "' in an address header");
      t.kind = Kind::kSpecial;
      t.text = c;
      ++i;
    } else {
      size_t start = i;
      while (i < s.size() && !IsSpecial(s[i]) && !IsSpace(s[i]) && !IsControl(s[i])) ++i;
      t.text = std::string(s.substr(start, i - start));
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

bool IsSpecialToken(const Token& t, char c) { return t.kind == Kind::kSpecial && t.text[0] == c; }

// word *("." word) ["@" (atom *("." atom) / literal)]: the only shape an
// address outside angle brackets may have.
Result<std::string> AddrSpec(const std::vector<Token>& tokens, size_t begin, size_t end) {
  if (begin == end) return MakeError("empty address");
  std::string out;
  size_t i = begin;
  bool expect_word = true;
  for (; i < end && !IsSpecialToken(tokens[i], '@'); ++i) {
    const Token& t = tokens[i];
    if (expect_word != (t.kind == Kind::kAtom || t.kind == Kind::kQuoted))
      return MakeError("malformed address local part");
    if (!expect_word && !IsSpecialToken(t, '.')) return MakeError("malformed address local part");
    out += t.text;
    expect_word = !expect_word;
  }
  if (expect_word) return MakeError("malformed address local part");
  if (i == end) return out;
  out += '@';
  ++i;
  if (i + 1 == end && tokens[i].kind == Kind::kLiteral) return out + tokens[i].text;
  expect_word = true;
  for (; i < end; ++i) {
    const Token& t = tokens[i];
    if (expect_word ? t.kind != Kind::kAtom : !IsSpecialToken(t, '.'))
      return MakeError("malformed address domain");
    out += t.text;
    expect_word = !expect_word;
  }
  if (expect_word) return MakeError("malformed address domain");
  return out;
}

// Inside <...>: drops an obsolete route "@a,@b:" before the addr-spec.
Result<std::string> AngleAddr(const std::vector<Token>& tokens, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i)
    if (IsSpecialToken(tokens[i], ':') && begin < end && IsSpecialToken(tokens[begin], '@')) {
      begin = i + 1;
      break;
    }
  if (begin == end) return std::string();  // "<>": the null address
  return AddrSpec(tokens, begin, end);
}

}  // namespace

Result<std::vector<std::string>> ParseAddressList(std::string_view value) {
  auto tokens = Tokenize(value);
  if (!tokens) return tokens.error();
  const auto& t = *tokens;
  std::vector<std::string> out;
  bool in_group = false;
  size_t start = 0;      // first token of the current address
  bool have_angle = false;
  auto finish = [&](size_t end) -> Result<bool> {
    if (!have_angle && start < end) {
      auto a = AddrSpec(t, start, end);
      if (!a) return a.error();
      out.push_back(std::move(*a));
    }
    have_angle = false;
    start = end + 1;
    return true;
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (IsSpecialToken(t[i], '<')) {
      if (have_angle) return MakeError("two angle addresses in one mailbox");
      size_t close = i + 1;
      while (close < t.size() && !IsSpecialToken(t[close], '>')) {
        if (IsSpecialToken(t[close], '<')) return MakeError("nested '<' in an address header");
        ++close;
      }
      if (close == t.size()) return MakeError("unterminated '<' in an address header");
      auto a = AngleAddr(t, i + 1, close);
      if (!a) return a.error();
      if (!a->empty()) out.push_back(std::move(*a));
      have_angle = true;
      i = close;
    } else if (IsSpecialToken(t[i], '>')) {
      return MakeError("unexpected '>' in an address header");
    } else if (IsSpecialToken(t[i], ',')) {
      auto r = finish(i);
      if (!r) return r.error();
    } else if (IsSpecialToken(t[i], ':')) {
      if (in_group || have_angle) return MakeError("unexpected ':' in an address header");
      in_group = true;  // the display name before it is not an address
      start = i + 1;
    } else if (IsSpecialToken(t[i], ';')) {
      if (!in_group) return MakeError("unexpected ';' in an address header");
      auto r = finish(i);
      if (!r) return r.error();
      in_group = false;
    } else if (have_angle) {
      return MakeError("text after an angle address");
    }
  }
  if (in_group) return MakeError("unterminated group in an address header");
  auto r = finish(t.size());
  if (!r) return r.error();
  return out;
}

}  // namespace ms::queue
