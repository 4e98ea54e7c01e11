#include "pop3d/command.h"

#include <array>
#include <utility>

#include "text.h"

namespace ms::pop3d {

namespace {

constexpr std::array<std::pair<std::string_view, Verb>, 16> kVerbs = {{
    {"USER", Verb::kUser}, {"PASS", Verb::kPass}, {"APOP", Verb::kApop},
    {"CAPA", Verb::kCapa}, {"QUIT", Verb::kQuit}, {"STLS", Verb::kStls},
    {"AUTH", Verb::kAuth}, {"STAT", Verb::kStat}, {"LIST", Verb::kList},
    {"UIDL", Verb::kUidl}, {"RETR", Verb::kRetr}, {"TOP", Verb::kTop},
    {"DELE", Verb::kDele}, {"RSET", Verb::kRset}, {"NOOP", Verb::kNoop},
    {"LAST", Verb::kLast},
}};

bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

Verb LookUp(std::string_view keyword) {
  for (const auto& [name, verb] : kVerbs) {
    if (name.size() != keyword.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) same = Upper(keyword[i]) == name[i];
    if (same) return verb;
  }
  return Verb::kUnknown;
}

}  // namespace

std::optional<Command> ParseCommand(std::string_view line, ParseError* error) {
  *error = ParseError::kNone;
  for (unsigned char c : line) {
    // Tab is tolerated inside passwords only in spirit; control bytes and
    // DEL are refused outright.  Octets >= 0x80 may appear in passwords.
    if (c < 0x20 || c == 0x7f) {
      *error = ParseError::kBadCharacter;
      return std::nullopt;
    }
  }
  if (line.empty()) {
    *error = ParseError::kEmpty;
    return std::nullopt;
  }
  size_t end = line.find(' ');
  std::string_view keyword = line.substr(0, end);
  if (keyword.size() < 3 || keyword.size() > 4) {
    *error = ParseError::kBadKeyword;
    return std::nullopt;
  }
  for (char c : keyword) {
    if (!IsLetter(c)) {
      *error = ParseError::kBadKeyword;
      return std::nullopt;
    }
  }
  Command command;
  command.keyword = keyword;
  command.verb = LookUp(keyword);
  if (end == std::string_view::npos) return command;
  std::string_view rest = line.substr(end + 1);
  if (command.verb == Verb::kPass) {
    command.args.push_back(rest);
    return command;
  }
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    std::string_view arg = rest.substr(0, space);
    if (!arg.empty()) {
      if (command.args.size() == kMaxArguments) {
        *error = ParseError::kTooManyArguments;
        return std::nullopt;
      }
      command.args.push_back(arg);
    }
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return command;
}

std::optional<size_t> ParseNumber(std::string_view text) {
  std::optional<uint64_t> value = ParseDecimal(text, UINT64_MAX, 9);
  if (!value) return std::nullopt;
  return static_cast<size_t>(*value);
}

}  // namespace ms::pop3d
