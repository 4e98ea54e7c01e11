#include "pop3d/checkpassword_login.h"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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
  int groups = account.system ? ::initgroups(account.user.c_str(), account.gid)
                              : ::setgroups(1, &account.gid);
  if (groups != 0) return SystemError("setgroups", 111);
  if (::setgid(account.gid) != 0) return SystemError("setgid", 111);
  if (::setuid(account.uid) != 0) return SystemError("setuid", 111);
  if (::setuid(0) == 0 || ::getuid() != account.uid || ::geteuid() != account.uid)
    return MakeError("still able to regain root after setuid", 111);
  return Ok{};
}

Status ExecNext(const Account& account, char** argv) {
  if (::chdir(account.home.c_str()) != 0) return SystemError("chdir " + account.home, 111);
  ::execvp(argv[0], argv);
  return SystemError(std::string("exec ") + argv[0], 111);
}

}  // namespace ms::checkpassword
