#include "send/privilege.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ms::send {

Result<Account> LookupAccount(const std::string& name) {
  struct passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) return MakeError("no such user: " + name);
  return Account{pw->pw_uid, pw->pw_gid};
}

Status BecomeAccount(const Account& a) {
  if (::setgroups(1, &a.gid) != 0 || ::setgid(a.gid) != 0 || ::setuid(a.uid) != 0)
    return MakeError(std::string("unable to switch user: ") + std::strerror(errno));
  if (::getuid() != a.uid || ::geteuid() != a.uid || ::getegid() != a.gid)
    return MakeError("unable to switch user: ids did not change");
  return Ok{};
}

}  // namespace ms::send
