// The Authenticator of the pre-login role: the checkpassword interface
// (PROTOCOL.md).  It runs `checker... post_login...` with
// "user\0password\0timestamp\0" on fd 3 and the client connection on fds
// 0 and 1, waits for it, and maps its exit:
//   0         the checker accepted and exec'd the post-login role, which
//             has served the session to its end
//   1         rejected: answered only once `fail_delay_ms` have passed
//             since PASS arrived, so an unknown user and a wrong password
//             take the same time
//   other     temporary failure (2 misuse, 111 temporary, ...)
//   a signal  the session process was killed: nothing more can be said
#ifndef MAILSUITE_POP3D_LOGIN_CHECKER_H_
#define MAILSUITE_POP3D_LOGIN_CHECKER_H_

#include <string>
#include <vector>

#include "pop3d/login_session.h"
#include "tls.h"

namespace ms::pop3d {

class LoginChecker : public Authenticator {
 public:
  LoginChecker(std::vector<std::string> command, std::string timestamp, int fail_delay_ms)
      : command_(std::move(command)), timestamp_(std::move(timestamp)),
        fail_delay_ms_(fail_delay_ms) {}

  AuthResult Authenticate(std::string_view user, std::string_view password) override;

  // After STLS: the checker gets a socketpair as fds 0 and 1 and this
  // process relays it to the TLS connection (tls_transport.h).
  void set_tls(TlsStream* tls) { tls_ = tls; }

  // The signal that killed the session process, 0 if none.
  int killed_by() const { return killed_by_; }
  // Why the last check failed temporarily (for the log).
  const std::string& last_error() const { return last_error_; }

 private:
  std::vector<std::string> command_;  // checker argv, then the post-login argv
  std::string timestamp_;
  int fail_delay_ms_;
  TlsStream* tls_ = nullptr;
  int killed_by_ = 0;
  std::string last_error_;
};

// The absolute path of program: itself if it holds a '/', else the first
// executable match in $PATH; empty if none.
std::string FindProgram(const std::string& program);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_LOGIN_CHECKER_H_
