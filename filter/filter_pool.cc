#include "filter/filter_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <string>
#include <vector>

#include "child.h"
#include "deadline.h"
#include "fd.h"
#include "fd_passing.h"
#include "filter/filter_run.h"
#include "log.h"
#include "queue_client.h"

namespace ms::filter {

namespace {

constexpr char kJoin = 'S';      // listener's child -> keeper: a session's socket
constexpr char kMessage = 'Q';   // session -> keeper -> worker: a message, 3 fds
constexpr char kTaken = 'A';     // keeper -> session: "A<pid>", a worker has it
constexpr char kNoWorker = 'N';  // keeper -> session: none; exec the filter
constexpr char kExited = 'E';    // keeper -> session: "E" + the exit code byte
constexpr char kCrashed = 'K';   // keeper -> session: the worker died on it
constexpr size_t kMaxPacket = 256;
constexpr int kWorkerSocket = 3;  // in the worker (the keeper's control is gone)
// The longest one message may take in a worker: the queue client's own
// deadline for the next program, plus the scanners' (filter_run.cc).
constexpr unsigned kMessageSeconds = kQueueTimeoutSeconds + 2 * 120;
// A dead keeper is restarted after 1 s, then 2, 4, ... at most 60 s while
// keepers keep dying within a minute of their start.
constexpr int64_t kFirstBackoffMs = 1000;
constexpr int64_t kMaxBackoffMs = 60 * 1000;
constexpr int64_t kHealthyMs = 60 * 1000;

// The worker: one message at a time, exactly as the exec'd program (fds
// 0, 1 and 6 are the session's pipes while RunFilter runs); it keeps
// nothing between messages and exits after `limit` messages or after any
// outcome but accepted (0) or a verdict on fd 6 (82).
[[noreturn]] void RunWorker(unsigned limit) {
  ::prctl(PR_SET_NAME, "ms-filterworker", 0, 0, 0);
  SetLogProgram("mailsuite-filter");
  for (unsigned served = 0; served < limit; ++served) {
    std::string data;
    UniqueFd fds[4];
    size_t got = 0;
    bool eof = false;
    bool ok;
    while (!(ok = ReceiveFdsUpTo(kWorkerSocket, kMaxPacket, &data, fds, 4, &got, &eof)) && !eof &&
           errno == EINTR) {
    }
    if (!ok || got < 3 || data.empty() || data[0] != kMessage) ::_exit(0);  // keeper gone, or nonsense
    // The session's queue helper, when it has one: out of the way of fds
    // 0, 1 and 6 before they are set.
    UniqueFd helper;
    if (got == 4) helper = UniqueFd(::fcntl(fds[3].get(), F_DUPFD_CLOEXEC, 10));
    fds[3].reset();
    // fds 0 and 1 hold /dev/null, so none arrived there; one may have
    // arrived as fd 6 itself.
    int raw[3] = {fds[0].release(), fds[1].release(), fds[2].release()};
    if (::dup2(raw[0], 0) != 0 || ::dup2(raw[1], 1) != 1 || ::dup2(raw[2], 6) != 6) ::_exit(111);
    for (int fd : raw)
      if (fd != 0 && fd != 1 && fd != 6) ::close(fd);
    std::string ip = data.substr(1);
    bool relay = ip.size() >= 2 && ip.compare(ip.size() - 2, 2, "\nR") == 0;
    if (relay) ip.resize(ip.size() - 2);
    if (ip.empty()) ::unsetenv("TCPREMOTEIP");
    else ::setenv("TCPREMOTEIP", ip.c_str(), 1);
    if (relay) ::setenv("RELAYCLIENT", "", 1);
    else ::unsetenv("RELAYCLIENT");
    // Bounded as the exec'd filter is by smtpd's deadline: a message whose
    // pipes never end (a session that hands over pipes it keeps open
    // elsewhere) ends this worker; the session gets "crashed" (451).
    ::alarm(kMessageSeconds);
    int code = RunFilter(true, helper.valid() ? helper.get() : -1);
    ::alarm(0);
    helper.reset();  // the keeper keeps the session's copy
    // Nothing of this message stays open: the session sees end of file on
    // fd 6 and the next message starts clean.
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || ::dup2(null, 0) != 0 || ::dup2(null, 1) != 1 || ::dup3(null, 6, O_CLOEXEC) != 6) ::_exit(111);
    ::close(null);
    unsigned char byte = static_cast<unsigned char>(code);
    if (::send(kWorkerSocket, &byte, 1, MSG_NOSIGNAL) != 1) ::_exit(0);
    if (code != 0 && code != kFilterReplyExit) ::_exit(0);  // any error: replaced
  }
  ::_exit(0);
}

struct Worker {
  pid_t pid = -1;
  UniqueFd socket;
  long serving = -1;  // the session id whose message it has, -1 idle
  unsigned served = 0;  // messages answered: the keeper's own count of its use
};

struct Session {
  long id = 0;
  UniqueFd socket;
  // Its socket to a queue helper of the listener's pool, when it got one
  // (FILTER_POOL.md "Hand-off to the queue"): lent to the worker with
  // each of its messages; given up after any answer but 0 or 82.
  UniqueFd helper;
};

class Keeper {
 public:
  Keeper(unsigned max_workers, unsigned limit) : max_workers_(max_workers), limit_(limit) {}
  int Run();

 private:
  Worker* Idle();
  Worker* Spawn();
  void FromSession(Session& s);
  void FromWorker(Worker& w);
  void Tell(long session_id, std::string_view packet);
  void DropHelper(long session_id);
  void Reap();

  unsigned max_workers_, limit_;
  long next_id_ = 1;
  std::vector<Session> sessions_;
  std::vector<Worker> workers_;
};

Worker* Keeper::Idle() {
  for (Worker& w : workers_)
    if (w.socket.valid() && w.serving < 0) return &w;
  return Spawn();
}

Worker* Keeper::Spawn() {
  if (workers_.size() >= max_workers_) return nullptr;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return nullptr;
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    // Nothing of the keeper's but its own socket: no other session's or
    // worker's descriptor (fd 3, the control socket, is replaced).
    if (::dup2(theirs.get(), kWorkerSocket) != kWorkerSocket) ::_exit(111);
    ::fcntl(kWorkerSocket, F_SETFD, FD_CLOEXEC);  // not for FILTER_NEXT
    ::close_range(kWorkerSocket + 1, ~0U, 0);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGALRM, SIG_DFL);
    RunWorker(limit_);
  }
  Worker w;
  w.pid = pid;
  w.socket = std::move(ours);
  workers_.push_back(std::move(w));
  return &workers_.back();
}

void Keeper::Tell(long session_id, std::string_view packet) {
  for (Session& s : sessions_)
    if (s.id == session_id && s.socket.valid()) {
      if (::send(s.socket.get(), packet.data(), packet.size(), MSG_NOSIGNAL) < 0) s.socket.reset();
      return;
    }
}

// A worker that failed or died may have left the helper mid-message (an
// answer still to come): that helper is never lent again; the session's
// later messages go to an exec'd mailsuite-queue.
void Keeper::DropHelper(long session_id) {
  for (Session& s : sessions_)
    if (s.id == session_id) s.helper.reset();
}

void Keeper::FromSession(Session& s) {
  std::string data;
  UniqueFd fds[3];
  bool eof = false;
  if (!ReceiveFdArray(s.socket.get(), kMaxPacket, &data, fds, 3, &eof)) {
    if (!eof && errno == EINTR) return;
    s.socket.reset();  // gone, or not speaking the protocol: dropped
    return;
  }
  if (data.empty() || data[0] != kMessage) {
    s.socket.reset();
    return;
  }
  int raw[4] = {fds[0].get(), fds[1].get(), fds[2].get(), s.helper.get()};
  const size_t count = s.helper.valid() ? 4 : 3;
  for (int tries = 0; tries < 2; ++tries) {
    Worker* w = Idle();
    if (w == nullptr) break;
    if (!SendFdArray(w->socket.get(), data, raw, count).ok()) {
      w->socket.reset();  // it just exited: reaped below, try another
      continue;
    }
    w->serving = s.id;
    Tell(s.id, std::string(1, kTaken) + std::to_string(w->pid));
    return;
  }
  Tell(s.id, std::string(1, kNoWorker));
}

void Keeper::FromWorker(Worker& w) {
  unsigned char code = 0;
  ssize_t n;
  while ((n = ::recv(w.socket.get(), &code, 1, MSG_DONTWAIT)) < 0 && errno == EINTR) {
  }
  if (n < 0 && errno == EAGAIN) return;
  long session = w.serving;
  w.serving = -1;
  if (n == 1 && session >= 0) {
    Tell(session, std::string(1, kExited) + static_cast<char>(code));
    if (code != 0 && code != kFilterReplyExit) DropHelper(session);
    // A worker that has just served its last message, or failed, exits by
    // itself right after this answer: never lease it again, or the next
    // message could be queued on its socket in the moment before it closes.
    if (++w.served >= limit_ || (code != 0 && code != kFilterReplyExit)) w.socket.reset();
    return;
  }
  // End of file (exited after its last message, or killed), or an answer
  // nobody asked for: forgotten; a session waiting on it gets "crashed".
  w.socket.reset();
  if (session >= 0) {
    Tell(session, std::string(1, kCrashed));
    DropHelper(session);
  }
}

void Keeper::Reap() {
  int status;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    for (Worker& w : workers_)
      if (w.pid == pid) w.pid = -1;
  }
  std::erase_if(workers_, [](const Worker& w) { return !w.socket.valid() && w.pid < 0; });
  std::erase_if(sessions_, [](const Session& s) { return !s.socket.valid(); });
}

int Keeper::Run() {
  std::vector<struct pollfd> fds;
  for (;;) {
    Reap();
    fds.clear();
    fds.push_back({kPoolControlSocket, POLLIN, 0});
    for (const Session& s : sessions_) fds.push_back({s.socket.get(), POLLIN, 0});
    for (const Worker& w : workers_) fds.push_back({w.socket.valid() ? w.socket.get() : -1, POLLIN, 0});
    // A second at most, so exited workers are reaped while nothing happens.
    if (::poll(fds.data(), fds.size(), 1000) < 0) {
      if (errno == EINTR) continue;
      return 111;
    }
    if (fds[0].revents != 0) {
      std::string data;
      UniqueFd joined[2];  // the session's socket, its queue helper's
      size_t got = 0;
      bool eof = false;
      if (ReceiveFdsUpTo(kPoolControlSocket, 4, &data, joined, 2, &got, &eof)) {
        if (data == std::string_view(&kJoin, 1) && got >= 1)
          sessions_.push_back(Session{next_id_++, std::move(joined[0]), std::move(joined[1])});
      } else if (eof) {
        return 0;  // the listener is gone: workers end after their message
      }
    }
    size_t i = 1;
    size_t session_count = sessions_.size(), worker_count = workers_.size();
    for (size_t k = 0; k < session_count; ++k, ++i)
      if (fds[i].revents != 0 && sessions_[k].socket.valid()) FromSession(sessions_[k]);
    for (size_t k = 0; k < worker_count; ++k, ++i)
      if (fds[i].revents != 0 && workers_[k].socket.valid()) FromWorker(workers_[k]);
  }
}

// While no keeper runs (its back-off), sessions that join are turned
// away at once: their sockets are closed, so each falls back to the
// exec'd filter instead of waiting for a keeper.  False: the listener
// is gone (end of file on the control socket).
bool TurnSessionsAway(int64_t until_ms) {
  for (;;) {
    int64_t left = until_ms - MonotonicMs();
    if (left <= 0) return true;
    struct pollfd p = {kPoolControlSocket, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    std::string data;
    UniqueFd session;  // closed here: the session sees end of file
    bool eof = false;
    if (!ReceiveWithFd(kPoolControlSocket, 4, &data, &session, &eof) && eof) return false;
  }
}

}  // namespace

int RunFilterPool(unsigned max_workers, unsigned messages_per_worker) {
  ::signal(SIGPIPE, SIG_IGN);
  ::prctl(PR_SET_NAME, "ms-filter-super", 0, 0, 0);
  // A dead keeper's workers become ours and are reaped here.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int64_t backoff_ms = kFirstBackoffMs;
  for (;;) {
    const int64_t started = MonotonicMs();
    pid_t keeper = ::fork();
    if (keeper == 0) {
      ::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
      ::prctl(PR_SET_NAME, "ms-filter-pool", 0, 0, 0);
      Keeper k(max_workers, messages_per_worker);
      ::_exit(k.Run());
    }
    ExitStatus status;
    if (keeper > 0) {
      int raw = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &raw, 0)) != keeper)
        if (pid < 0 && errno != EINTR) break;
      status = DecodeWaitStatus(raw);
      if (pid == keeper && status.exited && status.code == 0) return 0;  // the listener is gone
    }
    // Died (killed, crashed, or could not be forked): a new one after a
    // back-off that doubles while keepers keep dying young.
    if (MonotonicMs() - started >= kHealthyMs) backoff_ms = kFirstBackoffMs;
    LogLine line("alert");
    line.Add("what", "filterpool").Add("pid", static_cast<long long>(keeper));
    if (keeper < 0) line.Add("error", std::string("fork: ") + std::strerror(errno));
    else if (status.exited) line.Add("status", status.code);
    else line.Add("signal", status.signal);
    line.Add("restart_ms", static_cast<long long>(backoff_ms)).Emit();
    if (!TurnSessionsAway(MonotonicMs() + backoff_ms)) return 0;
    backoff_ms = std::min(backoff_ms * 2, kMaxBackoffMs);
  }
}

}  // namespace ms::filter
