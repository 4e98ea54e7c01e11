#include "pop3d/command_loop.h"

namespace ms::pop3d {

const char* SessionEndName(SessionEnd end) {
  switch (end) {
    case SessionEnd::kQuit: return "quit";
    case SessionEnd::kEof: return "eof";
    case SessionEnd::kTimeout: return "timeout";
    case SessionEnd::kReadError: return "read-error";
    case SessionEnd::kWriteError: return "write-error";
    case SessionEnd::kTooManyErrors: return "too-many-errors";
  }
  return "?";
}

namespace {

const char* ParseErrorReply(ParseError error) {
  switch (error) {
    case ParseError::kEmpty: return "-ERR empty command\r\n";
    case ParseError::kBadCharacter: return "-ERR control character in command\r\n";
    case ParseError::kBadKeyword: return "-ERR malformed command\r\n";
    case ParseError::kTooManyArguments: return "-ERR too many arguments\r\n";
    case ParseError::kNone: break;
  }
  return "-ERR malformed command\r\n";
}

}  // namespace

SessionEnd ServeCommands(LineReader& in, Output& out, int timeout_seconds,
                         CommandHandler& handler) {
  int errors = 0;
  for (;;) {
    if (!in.HasBufferedLine() && !out.Flush()) return SessionEnd::kWriteError;
    std::string_view line;
    ReadStatus status = in.Next(&line, kMaxLine, Deadline::AfterSeconds(timeout_seconds));
    bool error = false;
    switch (status) {
      case ReadStatus::kEof: return SessionEnd::kEof;
      case ReadStatus::kError: return SessionEnd::kReadError;
      case ReadStatus::kTimeout:
        out.Put("-ERR autologout: idle for too long\r\n");
        out.Flush();
        return SessionEnd::kTimeout;
      case ReadStatus::kTooLong:
        out.Put("-ERR line too long\r\n");
        error = true;
        break;
      case ReadStatus::kOk: {
        ParseError parse_error;
        std::optional<Command> command = ParseCommand(line, &parse_error);
        if (!command) {
          out.Put(ParseErrorReply(parse_error));
          error = true;
          break;
        }
        Outcome outcome = handler.Handle(*command, out);
        if (outcome == Outcome::kEnd) {
          out.Flush();
          return out.failed() ? SessionEnd::kWriteError : SessionEnd::kQuit;
        }
        error = outcome == Outcome::kError;
        break;
      }
    }
    if (out.failed()) return SessionEnd::kWriteError;
    if (error && ++errors >= kMaxErrors) {
      out.Put("-ERR too many errors\r\n");
      out.Flush();
      return SessionEnd::kTooManyErrors;
    }
  }
}

}  // namespace ms::pop3d
