// SMTP AUTH (RFC 4954) PLAIN and LOGIN as a session Extension, checked by
// a checkpassword program (pop3d/CHECKPASSWORD.md) given on smtpd's
// command line: it gets "user\0password\0\0" on fd 3 and /bin/true as
// the program to run on success; exit 0 accepts, 1 rejects, anything
// else is a temporary failure.
//
// Offered only under TLS unless control/smtpauthplaintext is 1.  A
// rejected attempt is answered only after the fail delay (environment
// SMTPAUTH_FAILDELAY_MS, default 2000), so guessing is slow.  With
// SMTPAUTH_REQUIRED=1 (the submission service) MAIL before AUTH gets
// 530 5.7.0.  An authenticated client may relay (Session).
#ifndef MAILSUITE_SMTPD_AUTH_H_
#define MAILSUITE_SMTPD_AUTH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpd/session.h"
#include "smtpd/starttls.h"

namespace ms::smtpd {

struct AuthConfig {
  std::vector<std::string> checker;  // checkpassword argv; empty: no AUTH
  bool allow_plaintext = false;      // control/smtpauthplaintext
  bool required = false;             // SMTPAUTH_REQUIRED=1
  long fail_delay_ms = 2000;         // SMTPAUTH_FAILDELAY_MS
};

Result<AuthConfig> LoadAuthConfig(const Control& control, const EnvGetter& env,
                                  std::vector<std::string> checker);

struct Credentials {
  std::string user;
  std::string password;
};

// Base64 of an AUTH response, strictly: nullopt for anything that is not
// whole base64.
std::optional<std::string> DecodeBase64(std::string_view text);
// A PLAIN response (authzid \0 authcid \0 password, RFC 4616): nullopt when
// malformed or when authzid names someone other than authcid.
std::optional<Credentials> ParsePlain(std::string_view decoded);

enum class CheckResult { kOk, kRejected, kTemporary };

// Runs the checker for credentials (blocking until it exits).
CheckResult RunChecker(const std::vector<std::string>& checker, const Credentials& credentials);

class Auth : public Extension {
 public:
  Auth(AuthConfig config, const StartTls* tls) : config_(std::move(config)), tls_(tls) {}

  void AddEhloKeywords(const Session& session, std::vector<std::string>* keywords) override;
  bool Handle(const Command& command, Session& session) override;

  const std::string& user() const { return user_; }

 private:
  bool Offered() const;
  void Authenticate(std::string_view arg, Session& session);
  // Sends a 334 challenge and reads the client's base64 answer; nullopt
  // (already answered, or the session ended) when it cancelled or failed.
  std::optional<std::string> Challenge(std::string_view prompt, Session& session);

  AuthConfig config_;
  const StartTls* tls_;
  std::string user_;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_AUTH_H_
