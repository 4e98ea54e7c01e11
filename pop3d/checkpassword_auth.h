// Deciding a login for mailsuite-checkpassword: the users database for
// addresses (user@domain), system accounts through shadow for bare names
// when control/checkpasswordsystem is 1.  (pop3d/CHECKPASSWORD.md)
#ifndef MAILSUITE_POP3D_CHECKPASSWORD_AUTH_H_
#define MAILSUITE_POP3D_CHECKPASSWORD_AUTH_H_

#include <sys/types.h>

#include <string>

#include "pop3d/checkpassword_request.h"

namespace ms::checkpassword {

struct Account {
  std::string user;   // the login name, as USER
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string shell;
  bool system = false;  // a passwd account: supplementary groups by initgroups
};

enum class Verdict { kOk, kBadLogin, kTemporary };

struct Decision {
  Verdict verdict = Verdict::kBadLogin;
  Account account;
  std::string reason;  // for the log; never the password
};

struct AuthOptions {
  std::string users_file;
  bool allow_system = false;
};

Decision Authenticate(const Request& request, const AuthOptions& options);

}  // namespace ms::checkpassword

#endif  // MAILSUITE_POP3D_CHECKPASSWORD_AUTH_H_
