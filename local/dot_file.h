// The dot-qmail(5) language of `.mailsuite` / `.qmail*` files and of the
// defaultdelivery argument: one delivery instruction per line.
//
//   # text          comment (a file of comments only throws mail away)
//   |command        program, run by /bin/sh -c with the message on stdin
//   /path, ./path   mbox file, or a Maildir when the line ends in '/'
//   &address        forward; so is a line starting with anything else
//   +list           from here on only forwards are allowed
//
// As qmail-local: trailing blanks are dropped (we also drop a trailing CR,
// so a file saved with CRLF line ends means what it says), a blank first
// line is an error, later blank lines are ignored.  Unlike qmail-local,
// the whole file is checked before anything is delivered, and hostile
// content (NUL bytes, huge lines, ".." path components, control
// characters in addresses) is refused with the line number.
#ifndef MAILSUITE_LOCAL_DOT_FILE_H_
#define MAILSUITE_LOCAL_DOT_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::local {

inline constexpr size_t kMaxDotFileSize = 1 << 20;  // bytes
inline constexpr size_t kMaxDotLine = 8192;         // bytes per line
inline constexpr size_t kMaxForwardAddress = 256;   // RFC 5321 path limit

enum class Delivery { kMaildir, kMbox, kProgram, kForward };

struct Instruction {
  Delivery kind;
  std::string target;  // path, command or address (without its sigil)
  size_t line = 0;     // 1-based line number, for messages
};

struct DotFile {
  std::vector<Instruction> instructions;
};

// forward_only: the file had its user-execute bit set (qmail's "x bit":
// the file may only forward).  Errors are temporary problems of the
// user's configuration (code 111) with a qmail-style message.
Result<DotFile> ParseDotFile(std::string_view text, bool forward_only);

// Whether a path has a ".." component (refused: a dot file must not
// climb out of where it points).
bool HasDotDotComponent(std::string_view path);

const char* DeliveryName(Delivery kind);  // "maildir", "mbox", "program", "forward"

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_DOT_FILE_H_
