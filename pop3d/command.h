// POP3 command lines (RFC 1939 section 3, RFC 2449 section 3):
//
//   command = keyword *(SP argument)     keyword: 3-4 letters, any case
//
// PASS takes the rest of the line as one argument (passwords may hold
// spaces, RFC 1939 section 7).  NUL bytes and other control characters
// make a line malformed: they are never passed on to the checker or the
// log.
#ifndef MAILSUITE_POP3D_COMMAND_H_
#define MAILSUITE_POP3D_COMMAND_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace ms::pop3d {

enum class Verb {
  kUnknown,
  kUser, kPass, kApop, kCapa, kQuit, kStls, kAuth,
  kStat, kList, kUidl, kRetr, kTop, kDele, kRset, kNoop, kLast,
};

enum class ParseError { kNone, kEmpty, kBadCharacter, kBadKeyword, kTooManyArguments };

struct Command {
  Verb verb = Verb::kUnknown;
  std::string_view keyword;                // as sent
  std::vector<std::string_view> args;      // for PASS: one, the rest of the line
};

inline constexpr size_t kMaxArguments = 4;

// Parses one line (without CRLF).  On failure returns nullopt and sets
// *error.  An unknown but well-formed keyword parses as Verb::kUnknown.
std::optional<Command> ParseCommand(std::string_view line, ParseError* error);

// A message number or line count: decimal digits only, at most 9 of them.
std::optional<size_t> ParseNumber(std::string_view text);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_COMMAND_H_
