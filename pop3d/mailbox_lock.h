// One POP3 session per mailbox: an exclusive flock(2) on the Maildir
// directory itself.  The kernel drops the lock when the holding process
// dies in any way (kill -9 included), so no stale lock can outlive a
// session, and there is no lock file to clean up.  mailsuite-local does
// not take it: deliveries go on during a session (they land in new/ and
// are seen by the next session).
#ifndef MAILSUITE_POP3D_MAILBOX_LOCK_H_
#define MAILSUITE_POP3D_MAILBOX_LOCK_H_

#include <string>

#include "fd.h"
#include "result.h"

namespace ms::pop3d {

enum class LockOutcome { kLocked, kInUse, kError };

struct MailboxLock {
  UniqueFd dir;  // the Maildir, opened O_DIRECTORY; the lock lives with it
  LockOutcome outcome = LockOutcome::kError;
  std::string error;  // for kError
};

// Opens the Maildir and tries to lock it without waiting.
MailboxLock LockMailbox(const std::string& path);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_MAILBOX_LOCK_H_
