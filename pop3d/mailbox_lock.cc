#include "pop3d/mailbox_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

namespace ms::pop3d {

MailboxLock LockMailbox(const std::string& path) {
  MailboxLock lock;
  lock.dir.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock.dir.valid()) {
    lock.error = "unable to open " + path + ": " + std::strerror(errno);
    return lock;
  }
  for (;;) {
    if (::flock(lock.dir.get(), LOCK_EX | LOCK_NB) == 0) {
      lock.outcome = LockOutcome::kLocked;
      return lock;
    }
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      lock.outcome = LockOutcome::kInUse;
    } else {
      lock.error = "unable to lock " + path + ": " + std::strerror(errno);
    }
    return lock;
  }
}

}  // namespace ms::pop3d
