// mailsuite-tcpserver's pool of smtpd session workers (SMTPD_WORKERS.md):
// instead of a fork per connection, the listener hands each accepted
// connection to an idle worker (forking one only when none is idle), and
// leases a worker its queue helper when the worker asks (at MAIL).  The
// listener reads nothing from a worker but one-letter packets.
#ifndef MAILSUITE_TCPSERVER_SMTPD_WORKER_POOL_H_
#define MAILSUITE_TCPSERVER_SMTPD_WORKER_POOL_H_

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "control_watch.h"
#include "fd.h"
#include "tcpserver/queue_helper_pool.h"

namespace ms::smtpd {

class SmtpdWorkerPool {
 public:
  // A worker idle this long is retired (Postfix's max_idle).
  static constexpr int64_t kIdleMs = 100 * 1000;

  // run: in the forked worker, its fds arranged (smtpd_worker.h); must
  // not return.  At most max_workers exist at once; each serves max_use
  // connections (control/smtpdmaxuse).  filter_control: the filter
  // pool's control socket every worker keeps, or -1.
  SmtpdWorkerPool(unsigned max_workers, unsigned max_use, int filter_control, std::function<void()> run);
  SmtpdWorkerPool(const SmtpdWorkerPool&) = delete;
  SmtpdWorkerPool& operator=(const SmtpdWorkerPool&) = delete;

  // Gives connection to the most recently idle worker, or a new one: its
  // pid, or -1 (the caller closes the connection).  The worker is told to
  // forget the control files it kept when the control directory changed
  // since its last connection (lib/control_watch.h).
  pid_t HandOff(int connection, int64_t now_ms);

  struct SessionEnd {
    pid_t pid;
    int code;
  };
  void AddPollFds(std::vector<struct pollfd>* fds) const;
  // What the workers said: ended sessions go to *ended; helper requests
  // are answered from helpers (null: none).
  void HandlePollFds(const struct pollfd* fds, size_t count, int64_t now_ms, QueueHelperPool* helpers,
                     std::vector<SessionEnd>* ended);
  // Retires workers idle for kIdleMs; the poll timeout until the next is due (-1: none).
  int RetireIdle(int64_t now_ms);
  // For the reaper: nullopt if pid is not a worker; else whether it died
  // serving a connection (now forgotten).
  std::optional<bool> Forget(pid_t pid);
  // Every worker, idle or not (stress mode's signals: an idle one must
  // know it before its next connection).
  std::vector<pid_t> Pids() const;

 private:
  struct Worker {
    pid_t pid = -1;
    UniqueFd control;  // invalid once retired or gone
    bool busy = false;
    bool helper_leased = false;  // at most one queue helper per session
    unsigned served = 0;
    int64_t idle_since_ms = 0;
    uint64_t control_generation = 0;  // control_generation_ when it last got a connection
  };
  Worker* Spawn();
  void FromWorker(Worker& w, int64_t now_ms, QueueHelperPool* helpers, std::vector<SessionEnd>* ended);

  unsigned max_workers_, max_use_;
  int filter_control_;
  std::function<void()> run_;
  std::vector<Worker> workers_;
  ControlWatch control_watch_;
  uint64_t control_generation_ = 0;  // changes seen in the control directory
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_SMTPD_WORKER_POOL_H_
