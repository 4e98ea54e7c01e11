#include "become_user.h"

#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace ms {

void KeepMemoryPrivate() { ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

namespace {

// The groups in effect are exactly `want` (order aside).  Stack only.
bool GroupsAre(const gid_t* want, size_t n) {
  gid_t have[256];
  int count = ::getgroups(256, have);
  if (count < 0 || static_cast<size_t>(count) != n) return false;
  for (size_t i = 0; i < n; ++i) {
    bool found = false;
    for (int j = 0; j < count; ++j) found = found || have[j] == want[i];
    if (!found) return false;
  }
  return true;
}

}  // namespace

const char* BecomeUserNow(uid_t uid, gid_t gid, const gid_t* groups, size_t ngroups) {
  if (groups == nullptr || ngroups == 0) {
    groups = &gid;
    ngroups = 1;
  }
  // Only root may set groups; a process that is not root (a set-uid
  // program giving its owner back) keeps the groups it was started with.
  const bool was_root = ::geteuid() == 0;
  if (was_root && ::setgroups(ngroups, groups) != 0) return "unable to set groups";
  if (::setresgid(gid, gid, gid) != 0) return "unable to set gid";
  if (::setresuid(uid, uid, uid) != 0) return "unable to set uid";
  uid_t r, e, s;
  gid_t gr, ge, gs;
  if (::getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid)
    return "the uid did not change";
  if (::getresgid(&gr, &ge, &gs) != 0 || gr != gid || ge != gid || gs != gid)
    return "the gid did not change";
  if (uid != 0) {
    // Only what an unprivileged process can undo is left to try.
    if (::setuid(0) == 0 || ::seteuid(0) == 0) return "still able to regain root";
    if (gid != 0 && (::setgid(0) == 0 || ::setegid(0) == 0)) return "still able to regain gid 0";
    if (was_root && !GroupsAre(groups, ngroups)) return "the groups did not change";
  }
  KeepMemoryPrivate();
  return nullptr;
}

Status BecomeUser(uid_t uid, gid_t gid, const std::vector<gid_t>& groups) {
  if (uid == 0 || gid == 0) return MakeError("refusing to become uid or gid 0");
  int saved = 0;
  const char* failed = BecomeUserNow(uid, gid, groups.data(), groups.size());
  saved = errno;
  if (failed == nullptr) return Ok{};
  return MakeError(std::string(failed) + " (uid " + std::to_string(uid) + ", gid " +
                   std::to_string(gid) + "): " + std::strerror(saved));
}

}  // namespace ms
