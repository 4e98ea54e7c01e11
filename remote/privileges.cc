#include "remote/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ms::remote {

Status DropRootPrivileges() {
  if (getuid() != 0 && geteuid() != 0) return Ok{};
  errno = 0;
  struct passwd* pw = getpwnam(kRemoteUser);
  if (!pw) return MakeError(std::string("no user ") + kRemoteUser + " to run as");
  if (pw->pw_uid == 0) return MakeError(std::string("user ") + kRemoteUser + " must not be root");
  gid_t gid = pw->pw_gid;
  if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(pw->pw_uid) != 0) {
    return MakeError(std::string("unable to become ") + kRemoteUser + ": " + std::strerror(errno));
  }
  if (setuid(0) == 0) return MakeError("still able to regain root");
  return Ok{};
}

}  // namespace ms::remote
