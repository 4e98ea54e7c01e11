// mailsuite-tcpserver's pool of smtpd queue helpers (QUEUE_HELPER.md "The
// pool"): instead of each session forking its own helper, the listener
// keeps helpers that serve one session after another, so a connection
// costs one fork, not two.  The listener never reads what a helper or a
// session writes beyond one byte of "done" per session.
#ifndef MAILSUITE_SMTPD_QUEUE_HELPER_POOL_H_
#define MAILSUITE_SMTPD_QUEUE_HELPER_POOL_H_

#include <poll.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fd.h"

namespace ms::smtpd {

class QueueHelperPool {
 public:
  // Sessions a helper serves before it exits (bounds any leak, as
  // Postfix's max_use), and how long an idle helper is kept.
  static constexpr unsigned kSessionsPerHelper = 1000;
  static constexpr int64_t kIdleMs = 30 * 1000;

  // Null when smtpd's helper could not run here: the effective user
  // neither owns queue_dir/tmp nor is root (sessions then do without, as
  // mailsuite-smtpd would).  At most max_helpers helpers exist at once.
  static std::unique_ptr<QueueHelperPool> Create(const std::string& queue_dir, unsigned max_helpers);
  QueueHelperPool(const QueueHelperPool&) = delete;
  QueueHelperPool& operator=(const QueueHelperPool&) = delete;
  // Closes every helper's control socket: each exits when its session ends.
  ~QueueHelperPool();

  // A socket for the next session, connected to an idle helper (one is
  // forked if none is idle); invalid when none can be had, and the
  // session then forks its own helper.
  UniqueFd Lease(int64_t now_ms);

  // The control sockets to watch, and what they said: a helper done with
  // its session is idle again; one whose socket ends is gone.
  void AddPollFds(std::vector<struct pollfd>* fds) const;
  void HandlePollFds(const struct pollfd* fds, size_t count, int64_t now_ms);
  // Ends helpers idle for kIdleMs; returns the poll timeout until the
  // next one would be due (-1: none idle).
  int RetireIdle(int64_t now_ms);
  // For the reaper: true if pid was one of our helpers (now forgotten).
  bool Forget(pid_t pid);

 private:
  struct Helper {
    pid_t pid = -1;
    UniqueFd control;  // invalid once retired or gone
    bool busy = false;
    int64_t idle_since_ms = 0;
  };
  QueueHelperPool(std::string tmp_dir, struct stat tmp, unsigned max_helpers);
  Helper* Spawn();
  void CollectDone(Helper& helper, int64_t now_ms);

  std::string tmp_dir_;
  struct stat tmp_;
  unsigned max_helpers_;
  std::vector<Helper> helpers_;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_QUEUE_HELPER_POOL_H_
