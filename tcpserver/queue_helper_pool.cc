#include "tcpserver/queue_helper_pool.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "deadline.h"
#include "fd_passing.h"
#include "signals.h"
#include "smtpd/queue_helper.h"

namespace ms::smtpd {

namespace {

// The helper's end of its control socket; kHelperSocket (3) is the
// session's socket while it serves one.
constexpr int kControlSocket = 4;
constexpr char kReady = 'R';    // helper -> listener, once: it can write tmp/
constexpr char kSession = 'S';  // listener -> helper, with the session's socket
constexpr char kDone = 'F';     // helper -> listener: that session ended
constexpr int kStartTimeoutMs = 10 * 1000;

// A pooled helper, forked by the listener: it keeps nothing of the
// listener's but the control socket, becomes the queue owner, and serves
// the sessions it is handed one after another.
[[noreturn]] void RunPooledHelper(int control, uid_t invoker, const std::string& tmp_dir,
                                  const struct stat& tmp) {
  DefaultSignal(SIGCHLD);
  DefaultSignal(SIGTERM);
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(null, 1) < 0 || ::dup2(control, kControlSocket) < 0)
    ::_exit(111);
  ::close(kHelperSocket);
  ::close_range(kControlSocket + 1, ~0U, 0);
  EnterHelperRole(tmp_dir, tmp);
  if (::send(kControlSocket, &kReady, 1, MSG_NOSIGNAL) != 1) ::_exit(0);
  for (unsigned served = 0; served < QueueHelperPool::kSessionsPerHelper;) {
    std::string data;
    UniqueFd session;
    bool eof = false;
    if (!ReceiveWithFd(kControlSocket, 4, &data, &session, &eof)) {
      if (!eof && errno == EINTR) continue;
      ::_exit(0);  // the listener is gone, retired us, or sent nonsense
    }
    if (data != std::string_view(&kSession, 1)) ::_exit(0);
    // Usually it arrives as fd 3 already (the lowest free one).
    int fd = session.release();
    if (fd != kHelperSocket && (::dup2(fd, kHelperSocket) < 0 || ::close(fd) != 0)) ::_exit(111);
    ServeSession(invoker);
    ::close(kHelperSocket);
    if (++served < QueueHelperPool::kSessionsPerHelper &&
        ::send(kControlSocket, &kDone, 1, MSG_NOSIGNAL) != 1)
      ::_exit(0);
  }
  ::_exit(0);
}

}  // namespace

std::unique_ptr<QueueHelperPool> QueueHelperPool::Create(const std::string& queue_dir,
                                                         unsigned max_helpers) {
  std::string tmp_dir = queue_dir + "/tmp";
  struct stat st;
  if (max_helpers == 0 || !MayRunHelper(tmp_dir, &st)) return nullptr;
  return std::unique_ptr<QueueHelperPool>(new QueueHelperPool(std::move(tmp_dir), st, max_helpers));
}

QueueHelperPool::QueueHelperPool(std::string tmp_dir, struct stat tmp, unsigned max_helpers)
    : tmp_dir_(std::move(tmp_dir)), tmp_(tmp), max_helpers_(max_helpers) {}

QueueHelperPool::~QueueHelperPool() = default;

QueueHelperPool::Helper* QueueHelperPool::Spawn() {
  if (helpers_.size() >= max_helpers_) return nullptr;
  UniqueFd ours;
  // The invoker a helper records (Received: "invoked by uid") is the
  // session user: the listener's effective uid (TCPSERVER.md "Privilege").
  pid_t pid = ForkHelper(&ours, [this](int socket, uid_t) {
    RunPooledHelper(socket, ::geteuid(), tmp_dir_, tmp_);
  });
  if (pid < 0) return nullptr;
  Helper helper;
  helper.pid = pid;
  char ready = 0;
  // It only changes identity and checks tmp/ before it answers; one that
  // fails exits (end of file) and is reaped like any child.
  if (WaitReadable(ours.get(), Deadline::AfterMs(kStartTimeoutMs)) == WaitResult::kReady &&
      ::recv(ours.get(), &ready, 1, MSG_DONTWAIT) == 1 && ready == kReady)
    helper.control = std::move(ours);
  helpers_.push_back(std::move(helper));
  return helpers_.back().control.valid() ? &helpers_.back() : nullptr;
}

void QueueHelperPool::CollectDone(Helper& helper, int64_t now_ms) {
  char byte = 0;
  ssize_t n;
  while ((n = ::recv(helper.control.get(), &byte, 1, MSG_DONTWAIT)) < 0 && errno == EINTR) {
  }
  if (n < 0 && errno == EAGAIN) return;  // nothing yet
  if (n == 1 && byte == kDone) {
    helper.busy = false;
    helper.idle_since_ms = now_ms;
    return;
  }
  helper.control.reset();  // gone (or talking nonsense): the reaper forgets it
}

UniqueFd QueueHelperPool::Lease(int64_t now_ms) {
  auto most_recently_idle = [this]() -> Helper* {
    Helper* chosen = nullptr;
    for (Helper& h : helpers_)
      if (h.control.valid() && !h.busy && (!chosen || h.idle_since_ms > chosen->idle_since_ms)) chosen = &h;
    return chosen;
  };
  Helper* helper = most_recently_idle();
  if (helper == nullptr) {
    // A helper's "done" may still be on its way from a session that just
    // ended: take it before forking another.
    for (Helper& h : helpers_)
      if (h.control.valid() && h.busy) CollectDone(h, now_ms);
    helper = most_recently_idle();
  }
  if (helper == nullptr) helper = Spawn();
  if (helper == nullptr) return UniqueFd();
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return UniqueFd();
  UniqueFd session(sv[0]), theirs(sv[1]);
  if (!SendWithFd(helper->control.get(), std::string_view(&kSession, 1), theirs.get()).ok()) {
    helper->control.reset();
    return UniqueFd();
  }
  helper->busy = true;
  return session;
}

void QueueHelperPool::AddPollFds(std::vector<struct pollfd>* fds) const {
  for (const Helper& h : helpers_)
    if (h.control.valid()) fds->push_back({h.control.get(), POLLIN, 0});
}

void QueueHelperPool::HandlePollFds(const struct pollfd* fds, size_t count, int64_t now_ms) {
  for (size_t i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    for (Helper& h : helpers_)
      if (h.control.valid() && h.control.get() == fds[i].fd) CollectDone(h, now_ms);
  }
}

int QueueHelperPool::RetireIdle(int64_t now_ms) {
  int64_t next = -1;
  for (Helper& h : helpers_) {
    if (!h.control.valid() || h.busy) continue;
    int64_t due = h.idle_since_ms + kIdleMs;
    if (due <= now_ms) {
      h.control.reset();  // it reads end of file and exits
      continue;
    }
    if (next < 0 || due - now_ms < next) next = due - now_ms;
  }
  return static_cast<int>(next);
}

bool QueueHelperPool::Forget(pid_t pid) {
  auto it = std::find_if(helpers_.begin(), helpers_.end(), [pid](const Helper& h) { return h.pid == pid; });
  if (it == helpers_.end()) return false;
  helpers_.erase(it);
  return true;
}

}  // namespace ms::smtpd
