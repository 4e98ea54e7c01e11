#include "pop3d/checkpassword_login.h"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "become_user.h"

namespace ms::checkpassword {

namespace {

Error SystemError(const std::string& what, int code) {
  return MakeError(what + ": " + std::strerror(errno), code);
}

}  // namespace

Status SetLoginEnvironment(const Account& account) {
  if (::setenv("USER", account.user.c_str(), 1) != 0 ||
      ::setenv("HOME", account.home.c_str(), 1) != 0 ||
      ::setenv("SHELL", account.shell.c_str(), 1) != 0)
    return SystemError("setenv", 111);
  return Ok{};
}

Status BecomeUser(const Account& account) {
  if (::geteuid() != 0) return Ok{};
  if (account.uid == 0 || account.gid == 0)
    return MakeError("refusing to log in as uid or gid 0", 1);
  // A passwd account keeps its supplementary groups (as initgroups would
  // set them); a virtual mailbox gets its gid alone.
  std::vector<gid_t> groups;
  if (account.system) {
    int n = 64;
    groups.resize(static_cast<size_t>(n));
    if (::getgrouplist(account.user.c_str(), account.gid, groups.data(), &n) < 0) {
      groups.resize(static_cast<size_t>(n));
      if (::getgrouplist(account.user.c_str(), account.gid, groups.data(), &n) < 0)
        return MakeError("getgrouplist failed", 111);
    }
    groups.resize(static_cast<size_t>(n));
  }
  Status become = ms::BecomeUser(account.uid, account.gid, groups);
  if (!become) return MakeError(become.error().message, 111);
  return Ok{};
}

Status ExecNext(const Account& account, char** argv) {
  if (::chdir(account.home.c_str()) != 0) return SystemError("chdir " + account.home, 111);
  ::execvp(argv[0], argv);
  return SystemError(std::string("exec ") + argv[0], 111);
}

}  // namespace ms::checkpassword
