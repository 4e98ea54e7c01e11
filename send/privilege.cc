#include "send/privilege.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "become_user.h"

namespace ms::send {

Result<Account> LookupAccount(const std::string& name) {
  struct passwd entry, *pw = nullptr;
  char buf[16384];
  if (::getpwnam_r(name.c_str(), &entry, buf, sizeof buf, &pw) != 0 || pw == nullptr)
    return MakeError("no such user: " + name);
  return Account{pw->pw_uid, pw->pw_gid};
}

Status BecomeAccount(const Account& a) {
  Status become = BecomeUser(a.uid, a.gid);
  if (!become) return MakeError("unable to switch user: " + become.error().message);
  return Ok{};
}

}  // namespace ms::send
