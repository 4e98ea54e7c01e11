#include "remote/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "become_user.h"

namespace ms::remote {

Status DropRootPrivileges() {
  if (getuid() != 0 && geteuid() != 0) return Ok{};
  errno = 0;
  struct passwd* pw = getpwnam(kRemoteUser);
  if (!pw) return MakeError(std::string("no user ") + kRemoteUser + " to run as");
  if (pw->pw_uid == 0) return MakeError(std::string("user ") + kRemoteUser + " must not be root");
  Status become = BecomeUser(pw->pw_uid, pw->pw_gid);
  if (!become) return MakeError(std::string("unable to become ") + kRemoteUser + ": " + become.error().message);
  return Ok{};
}

}  // namespace ms::remote
