// The one way a mailsuite process becomes a user (and the one way it
// keeps its memory from other processes of the same uid).
//
// Order, as every privilege-separated mail system does it (qmail's
// prot_gid/prot_uid, Postfix's set_ugid): supplementary groups first (only
// root may set them), then the gid (real, effective, saved), then the uid
// (real, effective, saved); then it verifies that nothing can be undone:
// getresuid/getresgid report the new ids three times, the groups are the
// ones asked for, and, for a non-root target, setuid(0) and setgid(0) fail.
// Last, the process is made non-dumpable (below).
//
// Lookup-free on purpose: the callers of statically linked programs may
// not call getpwnam (conf-static), and a vfork child may only make system
// calls — so BecomeUserNow allocates nothing and returns a static text.
#ifndef MAILSUITE_LIB_BECOME_USER_H_
#define MAILSUITE_LIB_BECOME_USER_H_

#include <sys/types.h>

#include <vector>

#include "result.h"

namespace ms {

// PR_SET_DUMPABLE 0: no ptrace attach and no /proc/PID/mem, environ or
// fd access by other processes of the same uid, and no core dump.  The
// first call of every program that handles a password, a TLS key or a
// user's mail (issue 24; a new filter calls it too).  Exec resets it, so
// each program calls it itself.
void KeepMemoryPrivate();

// setgroups(groups; empty = {gid}), setresgid(gid x3), setresuid(uid x3),
// verification, KeepMemoryPrivate.  nullptr on success, else a constant
// text naming the step that failed.  No allocation (vfork-safe).
const char* BecomeUserNow(uid_t uid, gid_t gid, const gid_t* groups = nullptr, size_t ngroups = 0);

// The same with a Status; refuses uid 0 and gid 0 (nobody becomes root
// through this), which a caller must not even ask for.
Status BecomeUser(uid_t uid, gid_t gid, const std::vector<gid_t>& groups = {});

}  // namespace ms

#endif  // MAILSUITE_LIB_BECOME_USER_H_
