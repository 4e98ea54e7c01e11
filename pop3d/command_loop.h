// The read-parse-dispatch loop both roles run.  Replies are flushed only
// when no further complete command is already buffered, so a pipelining
// client (RFC 2449 PIPELINING) gets its replies in as few writes as
// possible.  Malformed lines get "-ERR" and count as errors; after
// kMaxErrors the session is closed.
#ifndef MAILSUITE_POP3D_COMMAND_LOOP_H_
#define MAILSUITE_POP3D_COMMAND_LOOP_H_

#include "pop3d/command.h"
#include "line_reader.h"
#include "pop3d/output.h"

namespace ms::pop3d {

inline constexpr int kMaxErrors = 20;

// A line ends at LF; a CR before it is dropped.  RFC 2449 limits a command
// line to 255 octets and a reply to 512; we accept lines up to 512 octets
// including CRLF and reject longer ones as a whole (lib/line_reader.h).
inline constexpr size_t kMaxLine = 512;

enum class Outcome { kOk, kError, kEnd };

class CommandHandler {
 public:
  virtual ~CommandHandler() = default;
  // Handles one parsed command, putting its reply into out.  kError counts
  // towards kMaxErrors; kEnd ends the loop (QUIT, a finished login, or a
  // response that could not be completed).
  virtual Outcome Handle(const Command& command, Output& out) = 0;
};

enum class SessionEnd { kQuit, kEof, kTimeout, kReadError, kWriteError, kTooManyErrors };

const char* SessionEndName(SessionEnd end);

SessionEnd ServeCommands(LineReader& in, Output& out, int timeout_seconds,
                         CommandHandler& handler);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_COMMAND_LOOP_H_
