// The two roles of mailsuite-pop3d (PROTOCOL.md):
//   mailsuite-pop3d checker [args...]         before login, as msdaemon
//   mailsuite-pop3d -d [-t seconds] maildir   after login, as the user
#ifndef MAILSUITE_POP3D_ROLES_H_
#define MAILSUITE_POP3D_ROLES_H_

namespace ms::pop3d {

// Exit codes of the pre-login role: 0 session over, 100 usage (bad
// command line), 111 configuration unreadable (the client got -ERR).
inline constexpr int kExitUsage = 100;
inline constexpr int kExitConfig = 111;

// argv[0] is the checker.
int RunPreLogin(int argc, char** argv);
// argv holds the arguments after "-d".  Always exits 0 once it has
// answered the client (the pre-login role relies on that, see
// login_checker.h); 100 on a bad command line.
int RunPostLogin(int argc, char** argv);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_ROLES_H_
