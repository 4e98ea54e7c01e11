#include "pop3d/login_session.h"

namespace ms::pop3d {

Outcome LoginSession::Handle(const Command& command, Output& out) {
  switch (command.verb) {
    case Verb::kCapa:
      out.Put(CapabilityResponse(capabilities_));
      return Outcome::kOk;
    case Verb::kQuit:
      out.Put("+OK bye\r\n");
      return Outcome::kEnd;
    case Verb::kUser:
      if (command.args.size() != 1 || command.args[0].size() > kMaxUserName) {
        out.Put("-ERR usage: USER name\r\n");
        return Outcome::kError;
      }
      user_ = std::string(command.args[0]);
      last_user_ = user_;
      out.Put("+OK send PASS\r\n");
      return Outcome::kOk;
    case Verb::kPass:
      return Pass(command, out);
    case Verb::kApop:
    case Verb::kAuth:
      out.Put("-ERR not supported, use USER and PASS\r\n");
      return Outcome::kError;
    case Verb::kStls: {
      if (!capabilities_.stls || !start_tls_) {
        out.Put("-ERR STLS not available\r\n");
        return Outcome::kError;
      }
      Outcome outcome = start_tls_(out);
      if (outcome == Outcome::kOk) {
        capabilities_.stls = false;
        user_.clear();
      }
      return outcome;
    }
    case Verb::kUnknown:
      out.Put("-ERR unknown command\r\n");
      return Outcome::kError;
    default:
      out.Put("-ERR log in first\r\n");
      return Outcome::kError;
  }
}

Outcome LoginSession::Pass(const Command& command, Output& out) {
  if (user_.empty()) {
    out.Put("-ERR send USER first\r\n");
    return Outcome::kError;
  }
  if (command.args.size() != 1 || command.args[0].empty()) {
    out.Put("-ERR usage: PASS password\r\n");
    return Outcome::kError;
  }
  std::string user = std::move(user_);
  user_.clear();
  // Everything said so far must reach the client before the post-login
  // process starts writing to the same connection.
  if (!out.Flush()) return Outcome::kEnd;
  switch (authenticator_.Authenticate(user, command.args[0])) {
    case AuthResult::kSessionDone:
      logged_in_ = true;
      return Outcome::kEnd;
    case AuthResult::kTemporaryFailure:
      out.Put("-ERR [SYS/TEMP] unable to check the password, try again later\r\n");
      return Outcome::kError;
    case AuthResult::kRejected:
      break;
  }
  if (++failures_ >= kMaxLoginFailures) {
    out.Put("-ERR [AUTH] authentication failed; too many failures\r\n");
    return Outcome::kEnd;
  }
  out.Put("-ERR [AUTH] authentication failed\r\n");
  return Outcome::kError;
}

}  // namespace ms::pop3d
