// Where mailsuite keeps its files.  Defaults are the production paths;
// MAILSUITE_CONTROL, MAILSUITE_QUEUE, MAILSUITE_QUARANTINE, MAILSUITE_USERS
// and MAILSUITE_BIN override them for tests and unprivileged instances.  The overrides are
// read with secure_getenv, so a set-uid/set-gid program (mailsuite-queue)
// never honours them.
#ifndef MAILSUITE_LIB_PATHS_H_
#define MAILSUITE_LIB_PATHS_H_

#include <string>

namespace ms {

std::string ControlDir();  // /etc/mailsuite/control
std::string QueueDir();    // /var/spool/mailsuite
// The filter's quarantine (filter/README.md "Quarantine"): its own
// directory beside the queue, msfilter:msadmin 2770, because the filter
// (msfilter) must never be able to enter the queue (mailsuite:msadmin 0750).
std::string QuarantineDir();  // /var/spool/mailsuite-quarantine
std::string UsersFile();   // /etc/mailsuite/users
std::string BinDir();      // <conf-prefix>/bin
// BinDir() + "/" + program.
std::string ProgramPath(const std::string& program);

}  // namespace ms

#endif  // MAILSUITE_LIB_PATHS_H_
