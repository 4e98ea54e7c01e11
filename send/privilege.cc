#include "send/privilege.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "become_user.h"

namespace ms::send {

Result<Account> LookupAccount(const std::string& name) {
  struct passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) return MakeError("no such user: " + name);
  return Account{pw->pw_uid, pw->pw_gid};
}

Status BecomeAccount(const Account& a) {
  Status become = BecomeUser(a.uid, a.gid);
  if (!become) return MakeError("unable to switch user: " + become.error().message);
  return Ok{};
}

}  // namespace ms::send
