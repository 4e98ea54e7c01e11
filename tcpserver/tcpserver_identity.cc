#include "tcpserver/tcpserver_identity.h"

#include <grp.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "become_user.h"

namespace ms::smtpd {

Status TakeServerIdentity(const TcpServerOptions& options, const std::string& queue_tmp) {
  if (!options.uid || !options.gid) return Ok{};
  const uid_t uid = *options.uid;
  const gid_t gid = *options.gid;
  uid_t keep = uid;
  struct stat st;
  if (::stat(queue_tmp.c_str(), &st) == 0 && st.st_uid != 0) keep = st.st_uid;
  if (keep == uid) {
    // No queue owner to keep: the session user, entirely.
    if (const char* failed = BecomeUserNow(uid, gid))
      return MakeError(std::string(failed) + ": " + std::strerror(errno));
    return Ok{};
  }
  // The session user only as the effective uid: a session (real, effective
  // and saved uid U) may signal a process only if U is that process's real
  // or saved uid, so it can neither stop nor kill us (issue 24).  The queue
  // owner is our real and saved uid, for the pool's helpers.  Same order
  // and checks as lib/become_user.h.
  if (::setgroups(1, &gid) != 0 || ::setresgid(gid, gid, gid) != 0)
    return MakeError("unable to switch to gid " + std::to_string(gid) + ": " + std::strerror(errno));
  if (::setresuid(keep, uid, keep) != 0)
    return MakeError("unable to switch to uid " + std::to_string(uid) + ": " + std::strerror(errno));
  // Files (the queue's tmp/ for the pool, the rules cdb) as the queue
  // owner, as before the split: the filesystem uid is not looked at by
  // kill(2) or ptrace(2).
  ::setfsuid(keep);
  uid_t r, e, s;
  gid_t gr, ge, gs;
  gid_t groups[2];
  if (::getresuid(&r, &e, &s) != 0 || r != keep || e != uid || s != keep ||
      static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))) != keep ||
      ::getresgid(&gr, &ge, &gs) != 0 || gr != gid || ge != gid || gs != gid ||
      ::getgroups(2, groups) != 1 || groups[0] != gid || ::setuid(0) == 0 || ::setgid(0) == 0)
    return MakeError("the user switch did not take");
  KeepMemoryPrivate();
  return Ok{};
}

Status TakeConnectionIdentity() {
  uid_t r, e, s;
  if (::getresuid(&r, &e, &s) != 0) return MakeError("getresuid failed");
  if (r == e || r != s) return Ok{};  // not the listener's split identity
  // What a set-uid mailsuite-smtpd run by the session user has: real uid
  // the session user, effective and saved the queue owner.
  if (::setresuid(e, r, r) != 0) return MakeError(std::string("setresuid: ") + std::strerror(errno));
  uid_t r2, e2, s2;
  if (::getresuid(&r2, &e2, &s2) != 0 || r2 != e || e2 != r || s2 != r)
    return MakeError("the identity switch did not take");
  return Ok{};
}

Status TakeWorkerIdentity() {
  uid_t r, e, s;
  if (::getresuid(&r, &e, &s) != 0) return MakeError("getresuid failed");
  if (r == e && e == s) return Ok{};
  if (::setresuid(e, e, e) != 0) return MakeError(std::string("setresuid: ") + std::strerror(errno));
  uid_t r2, e2, s2;
  if (::getresuid(&r2, &e2, &s2) != 0 || r2 != e || e2 != e || s2 != e || ::setuid(r) == 0)
    return MakeError("the identity switch did not take");
  return Ok{};
}

}  // namespace ms::smtpd
