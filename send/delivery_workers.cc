#include "send/delivery_workers.h"

#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "send/spawn_child.h"

namespace ms::send {

namespace {

// The worker: already on the first request's fds 0/1 and the recipient's
// uid/gid; its socket to the spawner is fd 3.  Delivers, answers, waits for
// the next request of the same user, until the spawner closes the socket.
[[noreturn]] void WorkerLoop(DeliveryWorkers::Deliverer deliverer, const std::string& program,
                             SpawnRequest request) {
  // Between deliveries 0 and 1 point here, so that the descriptors of the
  // next request never land on them (and get closed with their holders).
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) _exit(111);
  std::string data;
  for (;;) {
    ::setenv("MAILSUITE_QUOTA", request.quota.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (auto& a : request.args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int code = deliverer(static_cast<int>(argv.size()) - 1, argv.data());
    // Close the message and the report pipe: the scheduler reads the
    // reason line up to end of file.
    if (::dup2(null, 0) < 0 || ::dup2(null, 1) < 0) _exit(111);
    SendReply(3, request.job, (code & 0xff) << 8);
    for (;;) {
      UniqueFd fd0, fd1;
      bool eof = false;
      if (ReceiveRequest(3, &data, &fd0, &fd1, &eof)) {
        auto next = DecodeSpawnRequest(data);
        if (!next) _exit(111);
        if (::dup2(fd0.get(), 0) < 0 || ::dup2(fd1.get(), 1) < 0) _exit(111);
        request = std::move(*next);
        break;
      }
      if (eof) _exit(0);
    }
  }
}

}  // namespace

DeliveryWorkers::DeliveryWorkers(Deliverer deliverer, std::string program, bool switch_user,
                                 WorkerLimits limits)
    : deliverer_(deliverer), program_(std::move(program)), switch_user_(switch_user),
      limits_(limits) {}

DeliveryWorkers::~DeliveryWorkers() = default;

bool DeliveryWorkers::Dispatch(const SpawnRequest& request, int fd0, int fd1) {
  for (size_t i = 0; i < workers_.size(); ++i) {
    Worker& w = workers_[i];
    if (w.job || !w.link.fd_valid() || w.uid != request.uid || w.gid != request.gid) continue;
    if (!w.link.Send(request, fd0, fd1)) {
      Retire(i);
      break;
    }
    w.job = request.job;
    ++w.deliveries;
    return true;
  }
  if (!Start(request, fd0, fd1)) return false;
  RetireOldestIdleBeyond(limits_.max_idle);
  return true;
}

bool DeliveryWorkers::Start(const SpawnRequest& request, int fd0, int fd1) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    // Nothing of the spawner may stay open here (there is no exec to
    // close it): keep 0, 1 (this request's), 2 (the log) and 3 (ours,
    // close-on-exec so that |program deliveries never inherit it).
    ExecPlan who;
    who.switch_user = switch_user_;
    who.uid = request.uid;
    who.gid = request.gid;
    who.fd0 = fd0;
    who.fd1 = fd1;
    int sock = theirs.get();
    if (sock <= 3) {
      sock = ::fcntl(sock, F_DUPFD_CLOEXEC, 4);
      if (sock < 0) _exit(111);
    }
    if (who.fd0 <= 3 && who.fd0 != 0) who.fd0 = ::fcntl(who.fd0, F_DUPFD_CLOEXEC, 4);
    if (who.fd1 <= 3 && who.fd1 != 1) who.fd1 = ::fcntl(who.fd1, F_DUPFD_CLOEXEC, 4);
    if (::dup3(sock, 3, O_CLOEXEC) < 0) _exit(111);
    PrepareDeliverer(who);  // fds onto 0/1, signals reset, user switched
    ::prctl(PR_SET_NAME, "ms-local-worker", 0, 0, 0);
    ::close_range(4, ~0U, 0);
    WorkerLoop(deliverer_, program_, request);
  }
  Worker w;
  w.pid = pid;
  w.uid = request.uid;
  w.gid = request.gid;
  w.link = SpawnerClient(std::move(ours), pid);
  w.job = request.job;
  w.deliveries = 1;
  workers_.push_back(std::move(w));
  return true;
}

void DeliveryWorkers::AddPollFds(std::vector<struct pollfd>* fds) const {
  for (const Worker& w : workers_)
    if (w.link.fd_valid()) fds->push_back({w.link.fd(), POLLIN, 0});
}

void DeliveryWorkers::CollectReplies(const struct pollfd* fds, size_t count, const ReplyFn& reply,
                                     int64_t now_ms) {
  // Only the sockets poll found readable: a recv on each of ten idle
  // workers after every wake-up was ten failed calls (EAGAIN) a message.
  auto readable = [fds, count](int fd) {
    for (size_t k = 0; k < count; ++k)
      if (fds[k].fd == fd) return fds[k].revents != 0;
    return false;
  };
  for (size_t i = 0; i < workers_.size();) {
    Worker& w = workers_[i];
    bool eof = false;
    std::optional<SpawnReply> r;
    if (w.link.fd_valid() && readable(w.link.fd())) r = w.link.Receive(&eof);
    if (eof) {
      // Gone: its exit (Reaped) answers any job it had.
      w.link.Close();
    }
    if (r && w.job && r->job == *w.job) {
      w.job.reset();
      w.idle_since_ms = now_ms;
      reply(r->job, r->wait_status);
      if (w.deliveries >= limits_.max_deliveries) {
        Retire(i);
        continue;
      }
    }
    ++i;
  }
}

bool DeliveryWorkers::Reaped(pid_t pid, int wait_status, const ReplyFn& reply) {
  auto it = std::find_if(workers_.begin(), workers_.end(),
                         [pid](const Worker& w) { return w.pid == pid; });
  if (it == workers_.end()) return false;
  if (it->job) {
    // A reply sent just before the exit may still wait in the socket.
    bool eof = false;
    std::optional<SpawnReply> r;
    if (it->link.fd_valid()) r = it->link.Receive(&eof);
    if (r && r->job == *it->job) reply(r->job, r->wait_status);
    else reply(*it->job, wait_status);
  }
  workers_.erase(it);
  return true;
}

int DeliveryWorkers::Expire(int64_t now_ms) {
  int64_t next = -1;
  for (size_t i = 0; i < workers_.size();) {
    Worker& w = workers_[i];
    if (!w.job && w.link.fd_valid()) {
      int64_t due = w.idle_since_ms + limits_.idle_ms;
      if (due <= now_ms) {
        Retire(i);
        continue;
      }
      if (next < 0 || due - now_ms < next) next = due - now_ms;
    }
    ++i;
  }
  return static_cast<int>(std::min<int64_t>(next, 1 << 30));
}

void DeliveryWorkers::Retire(size_t index) {
  // Closing its socket ends the worker (end of file between deliveries);
  // the main loop reaps it as an unknown child.
  workers_.erase(workers_.begin() + static_cast<ptrdiff_t>(index));
}

void DeliveryWorkers::RetireOldestIdleBeyond(int keep) {
  for (;;) {
    int idle = 0;
    size_t oldest = workers_.size();
    for (size_t i = 0; i < workers_.size(); ++i) {
      const Worker& w = workers_[i];
      if (w.job || !w.link.fd_valid()) continue;
      ++idle;
      if (oldest == workers_.size() || w.idle_since_ms < workers_[oldest].idle_since_ms) oldest = i;
    }
    if (idle <= keep) return;
    Retire(oldest);
  }
}

}  // namespace ms::send
