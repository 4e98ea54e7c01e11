// After a successful check: the environment, the switch to the user and
// the exec of the next program (pop3d/CHECKPASSWORD.md).
#ifndef MAILSUITE_POP3D_CHECKPASSWORD_LOGIN_H_
#define MAILSUITE_POP3D_CHECKPASSWORD_LOGIN_H_

#include "pop3d/checkpassword_auth.h"
#include "result.h"

namespace ms::checkpassword {

// Sets USER, HOME, SHELL.
Status SetLoginEnvironment(const Account& account);
// As root: refuses uid/gid 0, sets the groups, gid, uid, and checks that
// root cannot be regained.  As anyone else: changes nothing (tests and
// single-user instances run everything as the invoking user).
// Error code: 1 refused (a root account), 111 the switch failed.
Status BecomeUser(const Account& account);
// chdir to home and execvp argv; returns only on failure.
Status ExecNext(const Account& account, char** argv);

}  // namespace ms::checkpassword

#endif  // MAILSUITE_POP3D_CHECKPASSWORD_LOGIN_H_
