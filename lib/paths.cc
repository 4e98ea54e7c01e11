#include "paths.h"

#include <cstdlib>

#ifndef MAILSUITE_PREFIX
#define MAILSUITE_PREFIX "/usr/local"
#endif

namespace ms {

static std::string FromEnvironment(const char* name, const char* fallback) {
  const char* value = ::secure_getenv(name);
  if (value != nullptr && *value != '\0') return value;
  return fallback;
}

std::string ControlDir() { return FromEnvironment("MAILSUITE_CONTROL", "/etc/mailsuite/control"); }
std::string QueueDir() { return FromEnvironment("MAILSUITE_QUEUE", "/var/spool/mailsuite"); }
std::string QuarantineDir() {
  return FromEnvironment("MAILSUITE_QUARANTINE", "/var/spool/mailsuite-quarantine");
}
std::string UsersFile() { return FromEnvironment("MAILSUITE_USERS", "/etc/mailsuite/users"); }
std::string BinDir() { return FromEnvironment("MAILSUITE_BIN", MAILSUITE_PREFIX "/bin"); }
std::string ProgramPath(const std::string& program) { return BinDir() + "/" + program; }

}  // namespace ms
