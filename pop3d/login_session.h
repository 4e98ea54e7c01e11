// The AUTHORIZATION state (RFC 1939 section 4) of the pre-login role:
// CAPA, USER, PASS, QUIT.  The password check itself is the
// Authenticator's (checkpassword, see PROTOCOL.md); this class is the pure
// state machine, so the tests drive it without processes.
#ifndef MAILSUITE_POP3D_LOGIN_SESSION_H_
#define MAILSUITE_POP3D_LOGIN_SESSION_H_

#include <functional>
#include <string>
#include <string_view>

#include "pop3d/capabilities.h"
#include "pop3d/command_loop.h"

namespace ms::pop3d {

enum class AuthResult {
  kSessionDone,       // login succeeded and the mailbox session has ended
  kRejected,          // wrong user or password (after the fixed delay)
  kTemporaryFailure,  // the checker could not decide
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual AuthResult Authenticate(std::string_view user, std::string_view password) = 0;
};

inline constexpr int kMaxLoginFailures = 3;
inline constexpr size_t kMaxUserName = 128;

class LoginSession : public CommandHandler {
 public:
  LoginSession(Authenticator& authenticator, const CapabilityOptions& capabilities)
      : authenticator_(authenticator), capabilities_(capabilities) {}

  Outcome Handle(const Command& command, Output& out) override;

  // STLS: answers and runs the handshake; kOk once TLS is on (STLS is
  // then no longer offered).  Unset: STLS is not available.
  void set_start_tls(std::function<Outcome(Output&)> start_tls) { start_tls_ = std::move(start_tls); }

  bool logged_in() const { return logged_in_; }
  // The last name given with USER (for the log).
  const std::string& last_user() const { return last_user_; }
  int failures() const { return failures_; }

 private:
  Outcome Pass(const Command& command, Output& out);

  Authenticator& authenticator_;
  CapabilityOptions capabilities_;
  std::function<Outcome(Output&)> start_tls_;
  std::string user_;       // set by USER, cleared by a failed PASS
  std::string last_user_;
  bool logged_in_ = false;
  int failures_ = 0;
};

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_LOGIN_SESSION_H_
