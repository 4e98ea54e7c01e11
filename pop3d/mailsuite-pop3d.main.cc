// mailsuite-pop3d: POP3 over Maildir, run by tcpserver, in two roles
// (PROTOCOL.md): before login (USER/PASS, then checkpassword) and, when
// the checker execs it as the user with -d, after login.
#include <cstring>

#include "become_user.h"
#include "pop3d/roles.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-pop3d");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  if (argc >= 2 && std::strcmp(argv[1], "-d") == 0) {
    return ms::pop3d::RunPostLogin(argc - 2, argv + 2);
  }
  return ms::pop3d::RunPreLogin(argc - 1, argv + 1);
}
