#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "become_user.h"

namespace {

// Runs body in a child; its exit code (0 = every check held).
int InChild(int (*body)()) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

}  // namespace

TEST_CASE("KeepMemoryPrivate makes the process non-dumpable", "[lib][privilege]") {
  CHECK(InChild([] {
          ms::KeepMemoryPrivate();
          return ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : 1;
        }) == 0);
}

TEST_CASE("BecomeUser refuses uid 0 and gid 0", "[lib][privilege]") {
  CHECK_FALSE(ms::BecomeUser(0, 65534));
  CHECK_FALSE(ms::BecomeUser(65534, 0));
}

TEST_CASE("BecomeUser: groups, gid, uid, and nothing can be undone", "[lib][privilege]") {
  if (::geteuid() != 0) {
    SUCCEED("needs root");
    return;
  }
  CHECK(InChild([] {
          if (!ms::BecomeUser(65534, 65534)) return 1;
          uid_t r, e, s;
          gid_t gr, ge, gs;
          if (::getresuid(&r, &e, &s) != 0 || r != 65534 || e != 65534 || s != 65534) return 2;
          if (::getresgid(&gr, &ge, &gs) != 0 || gr != 65534 || ge != 65534 || gs != 65534) return 3;
          gid_t groups[8];
          if (::getgroups(8, groups) != 1 || groups[0] != 65534) return 4;
          if (::setuid(0) == 0 || ::setgid(0) == 0 || ::setgroups(0, nullptr) == 0) return 5;
          if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 6;
          return 0;
        }) == 0);
  // Supplementary groups as asked (a passwd account's, from getgrouplist).
  CHECK(InChild([] {
          if (!ms::BecomeUser(65534, 65534, {65534, 100})) return 1;
          gid_t groups[8];
          int n = ::getgroups(8, groups);
          return n == 2 ? 0 : 2;
        }) == 0);
  // A set-uid style process (not root) gives its effective uid back.
  CHECK(InChild([] {
          if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 1, 1) != 0) return 1;
          if (ms::BecomeUserNow(65534, 65534) != nullptr) return 2;
          uid_t r, e, s;
          return ::getresuid(&r, &e, &s) == 0 && r == 65534 && e == 65534 && s == 65534 ? 0 : 3;
        }) == 0);
}
