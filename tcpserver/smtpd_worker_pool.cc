#include "tcpserver/smtpd_worker_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "fd_passing.h"
#include "paths.h"
#include "signals.h"
#include "smtpd/queue_helper.h"
#include "smtpd/stress_mode.h"
#include "tcpserver/smtpd_worker.h"
#include "tcpserver/smtpd_worker_protocol.h"

namespace ms::smtpd {

SmtpdWorkerPool::SmtpdWorkerPool(unsigned max_workers, unsigned max_use, int filter_control,
                                 std::function<void()> run)
    : max_workers_(max_workers),
      max_use_(max_use),
      filter_control_(filter_control),
      run_(std::move(run)),
      control_watch_(ControlDir()) {}

SmtpdWorkerPool::Worker* SmtpdWorkerPool::Spawn() {
  size_t live = std::count_if(workers_.begin(), workers_.end(), [](const Worker& w) { return w.control.valid(); });
  if (live >= max_workers_) return nullptr;
  UniqueFd ours;
  pid_t pid = ForkHelper(&ours, [this](int theirs, uid_t) {
    // Nothing of the listener's but the worker's own socket and the
    // filter pool's: not the listening socket, the signal pipe, the other
    // workers' or the helpers' sockets.
    DefaultSignal(SIGCHLD);
    DefaultSignal(SIGTERM);
    int control = ::fcntl(theirs, F_DUPFD_CLOEXEC, 64);
    int filter = filter_control_ >= 0 ? ::fcntl(filter_control_, F_DUPFD_CLOEXEC, 64) : -1;
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (control < 0 || null < 0 || ::dup2(null, 0) != 0 || ::dup2(null, 1) != 1 ||
        ::dup3(control, kWorkerControl, O_CLOEXEC) != kWorkerControl ||
        (filter >= 0 && ::dup3(filter, kWorkerFilterControl, O_CLOEXEC) != kWorkerFilterControl))
      ::_exit(111);
    ::close_range(3, kWorkerControl - 1, 0);
    ::close_range(filter >= 0 ? kWorkerFilterControl + 1 : kWorkerControl + 1, ~0U, 0);
    run_();
  });
  if (pid < 0) return nullptr;
  Worker w;
  w.pid = pid;
  w.control = std::move(ours);
  w.control_generation = control_generation_;  // it has kept nothing yet
  workers_.push_back(std::move(w));
  return &workers_.back();
}

pid_t SmtpdWorkerPool::HandOff(int connection, int64_t now_ms) {
  // Before the connection goes anywhere: a change written before the
  // client connected is already queued on the watch.
  if (control_watch_.Changed()) ++control_generation_;
  for (int tries = 0; tries < 3; ++tries) {
    // The most recently idle one: the others stay idle and retire.
    Worker* chosen = nullptr;
    for (Worker& w : workers_)
      if (w.control.valid() && !w.busy && (!chosen || w.idle_since_ms > chosen->idle_since_ms)) chosen = &w;
    if (chosen == nullptr) chosen = Spawn();
    if (chosen == nullptr) return -1;
    const char packet[3] = {kConnection, UnderStress() ? '1' : '0',
                            chosen->control_generation != control_generation_ ? '1' : '0'};
    if (!SendWithFd(chosen->control.get(), std::string_view(packet, 3), connection).ok()) {
      chosen->control.reset();  // it has just exited: reaped later, try another
      continue;
    }
    chosen->busy = true;
    chosen->control_generation = control_generation_;
    chosen->helper_leased = false;
    chosen->idle_since_ms = now_ms;
    return chosen->pid;
  }
  return -1;
}

void SmtpdWorkerPool::AddPollFds(std::vector<struct pollfd>* fds) const {
  for (const Worker& w : workers_)
    if (w.control.valid()) fds->push_back({w.control.get(), POLLIN, 0});
}

void SmtpdWorkerPool::FromWorker(Worker& w, int64_t now_ms, QueueHelperPool* helpers,
                                 std::vector<SessionEnd>* ended) {
  char packet[8];
  ssize_t n;
  while ((n = ::recv(w.control.get(), packet, sizeof packet, MSG_DONTWAIT)) < 0 && errno == EINTR) {
  }
  if (n < 0 && errno == EAGAIN) return;
  if (n == 2 && packet[0] == kSessionDone && w.busy) {
    w.busy = false;
    w.idle_since_ms = now_ms;
    ended->push_back({w.pid, static_cast<unsigned char>(packet[1])});
    // Its last connection: it exits by itself; never hand it another.
    if (++w.served >= max_use_) w.control.reset();
    return;
  }
  if (n == 1 && packet[0] == kHelperRequest && w.busy) {
    UniqueFd helper;
    if (!w.helper_leased && helpers != nullptr) helper = helpers->Lease(now_ms);
    w.helper_leased = true;  // one per session, asked or not granted
    bool sent = helper.valid() ? SendWithFd(w.control.get(), std::string_view(&kHelperGranted, 1), helper.get()).ok()
                               : ::send(w.control.get(), &kNoHelper, 1, MSG_NOSIGNAL) == 1;
    if (!sent) w.control.reset();
    return;
  }
  // End of file (it exited or was killed), or a packet out of turn: the
  // worker is given up; the reaper ends its session, if any.
  w.control.reset();
}

void SmtpdWorkerPool::HandlePollFds(const struct pollfd* fds, size_t count, int64_t now_ms,
                                    QueueHelperPool* helpers, std::vector<SessionEnd>* ended) {
  for (size_t i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    for (Worker& w : workers_)
      if (w.control.valid() && w.control.get() == fds[i].fd) FromWorker(w, now_ms, helpers, ended);
  }
}

int SmtpdWorkerPool::RetireIdle(int64_t now_ms) {
  int64_t next = -1;
  for (Worker& w : workers_) {
    if (!w.control.valid() || w.busy) continue;
    int64_t due = w.idle_since_ms + kIdleMs;
    if (due <= now_ms) {
      w.control.reset();  // it reads end of file and exits
      continue;
    }
    if (next < 0 || due - now_ms < next) next = due - now_ms;
  }
  return static_cast<int>(next);
}

std::optional<bool> SmtpdWorkerPool::Forget(pid_t pid) {
  auto it = std::find_if(workers_.begin(), workers_.end(), [pid](const Worker& w) { return w.pid == pid; });
  if (it == workers_.end()) return std::nullopt;
  bool busy = it->busy;
  workers_.erase(it);
  return busy;
}

std::vector<pid_t> SmtpdWorkerPool::Pids() const {
  std::vector<pid_t> pids;
  for (const Worker& w : workers_) pids.push_back(w.pid);
  return pids;
}

}  // namespace ms::smtpd
