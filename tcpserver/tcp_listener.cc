#include "tcpserver/tcp_listener.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <optional>
#include <vector>

#include "child.h"
#include "deadline.h"
#include "ip_address.h"
#include "log.h"
#include "signals.h"
#include "smtpd/stress_mode.h"
#include "tcpserver/client_limits.h"

namespace ms::smtpd {

Result<UniqueFd> BindListener(const std::string& host, uint16_t port, int backlog) {
  std::optional<IpAddress> ip = host == "0" ? IpAddress::V4(uint32_t{INADDR_ANY}) : IpAddress::Parse(host);
  if (!ip) return MakeError("host " + host + ": not an IP address (mailsuite-tcpserver looks up no names)");
  sockaddr_storage address;
  socklen_t length = ip->ToSockaddr(port, &address);
  UniqueFd fd(::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return MakeError(std::string("unable to create a socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0)
    return MakeError("unable to bind " + host + " port " + std::to_string(port) + ": " + std::strerror(errno));
  if (::listen(fd.get(), backlog) != 0) return MakeError(std::string("unable to listen: ") + std::strerror(errno));
  return fd;
}

uint16_t BoundPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

namespace {

// Reaps every finished child; returns how many of them were sessions
// (the pool's helpers are not counted against the limit).
unsigned ReapChildren(int verbosity, QueueHelperPool* pool, SmtpdWorkerPool* workers, ClientLimits* clients) {
  unsigned reaped = 0;
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    if (pool != nullptr && pool->Forget(pid)) continue;
    // A worker that ended between connections ended no session.
    if (workers != nullptr) {
      std::optional<bool> serving = workers->Forget(pid);
      if (serving && !*serving) continue;
    }
    ++reaped;
    clients->Ended(pid);
    if (verbosity >= 2) {
      ExitStatus s = DecodeWaitStatus(status);
      LogLine line("end");
      line.Add("pid", static_cast<long long>(pid));
      if (s.exited) line.Add("status", s.code);
      else line.Add("signal", s.signal);
      line.Emit();
    }
  }
  return reaped;
}

// Refuses a connection over a client limit: the 421 goes out without
// waiting (a fresh socket's send buffer has room for it), nothing is read,
// no child is forked.
void RefuseClient(int connection, const std::string& key, Admission verdict, bool pop3, int verbosity) {
  const bool too_fast = verdict == Admission::kTooFast;
  std::string reply = std::string(pop3 ? "-ERR [SYS/TEMP]" : "421 4.7.0") +
                      (too_fast ? " too many connections per minute from your address\r\n"
                                : " too many connections from your address\r\n");
  ssize_t ignored = ::send(connection, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  (void)ignored;
  if (verbosity >= 1)
    LogLine("refused").Add("ip", key).Add("what", "connection").Add("category", too_fast ? "ratelimit" : "maxperip").Emit();
}

// Stress mode changed: log it, keep the flag for sessions forked from
// now on, and tell the running in-process sessions (smtpd/stress_mode.h).
void AnnounceStress(bool on, unsigned children, unsigned limit, const ClientLimits& clients,
                    const ConnectionPolicy& policy, int verbosity, const SmtpdWorkerPool* workers) {
  SetUnderStress(on);
  if (verbosity >= 1) LogLine("stress").Add("mode", on ? "on" : "off").Add("children", children).Add("limit", limit).Emit();
  if (!policy.signal_stress) return;
  // Every worker, idle ones too: they were forked with the old flag.
  for (pid_t pid : workers != nullptr ? workers->Pids() : clients.SessionPids())
    ::kill(pid, on ? kStressOnSignal : kStressOffSignal);
}

// One process for one connection (smtpdmaxuse 1, or any program but our
// smtpd): the child runs serve with a pooled queue helper's socket.
pid_t ForkSession(UniqueFd connection, QueueHelperPool* pool, const std::function<void(int, int)>& serve) {
  UniqueFd helper = pool != nullptr ? pool->Lease(MonotonicMs()) : UniqueFd();
  pid_t pid = ::fork();
  if (pid == 0) {
    DefaultSignal(SIGCHLD);
    DefaultSignal(SIGTERM);
    serve(connection.release(), helper.release());
    ::_exit(111);  // serve does not return
  }
  return pid;
}

}  // namespace

int RunAcceptLoop(int listener, unsigned limit, int verbosity, QueueHelperPool* pool,
                  const ConnectionPolicy& policy, const std::function<void(int, int)>& serve,
                  SmtpdWorkerPool* workers, int filter_control) {
  if (!SignalPipe::Install({SIGCHLD, SIGTERM}) || !InstallStressHandlers()) {
    LogLine("fatal").Add("what", "signals").Add("error", std::strerror(errno)).Emit();
    return 111;
  }
  ClientLimits clients(policy.max_per_ip, policy.rate_per_minute);
  StressMeter stress(limit);
  unsigned children = 0;
  bool said_busy = false;
  std::vector<struct pollfd> fds;
  std::vector<SmtpdWorkerPool::SessionEnd> ended;
  for (;;) {
    // At the limit the listening socket is not watched: callers wait in
    // the kernel's backlog until a child ends.
    const bool accepting = children < limit;
    if (!accepting && !said_busy && verbosity >= 1) {
      LogLine("busy").Add("children", children).Add("limit", limit).Emit();
      said_busy = true;
    }
    // Third: the filter pool's control socket, for its hang-up alone (no
    // events asked; poll reports POLLHUP anyway).
    fds.assign({{SignalPipe::fd(), POLLIN, 0}, {accepting ? listener : -1, POLLIN, 0}, {filter_control, 0, 0}});
    int timeout = -1;
    if (pool != nullptr) {
      timeout = pool->RetireIdle(MonotonicMs());
      pool->AddPollFds(&fds);
    }
    const size_t worker_fds = fds.size();
    if (workers != nullptr) {
      int due = workers->RetireIdle(MonotonicMs());
      if (due >= 0 && (timeout < 0 || due < timeout)) timeout = due;
      workers->AddPollFds(&fds);
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) {
      LogLine("fatal").Add("what", "poll").Add("error", std::strerror(errno)).Emit();
      return 111;
    }
    if (pool != nullptr) pool->HandlePollFds(fds.data() + 3, worker_fds - 3, MonotonicMs());
    if (fds[2].revents != 0) {
      // Its supervisor and keeper are both gone (FILTER_POOL.md "A keeper
      // that dies"): nothing is lost, but every message now execs the
      // filter, and only a new listener can start the pool as msfilter.
      LogLine("alert").Add("what", "filterpool")
          .Add("error", "the filter pool is gone: each message execs the filter until the service restarts (svc -t)")
          .Emit();
      filter_control = -1;
    }
    if (workers != nullptr) {
      // Sessions that ended: before the reaper, which would take a worker
      // that exited after its last session for one that died in it.
      ended.clear();
      workers->HandlePollFds(fds.data() + worker_fds, fds.size() - worker_fds, MonotonicMs(), pool, &ended);
      for (const auto& end : ended) {
        if (children > 0) --children;
        clients.Ended(end.pid);
        if (verbosity >= 2) LogLine("end").Add("pid", static_cast<long long>(end.pid)).Add("status", end.code).Emit();
      }
      if (!ended.empty()) {
        if (children < limit) said_busy = false;
        if (stress.Update(children)) AnnounceStress(stress.on(), children, limit, clients, policy, verbosity, workers);
      }
    }
    if (fds[0].revents != 0) {
      unsigned long long signals = SignalPipe::Take();
      unsigned reaped = ReapChildren(verbosity, pool, workers, &clients);
      children -= reaped > children ? children : reaped;
      if (children < limit) said_busy = false;
      if (stress.Update(children)) AnnounceStress(stress.on(), children, limit, clients, policy, verbosity, workers);
      if (signals & (1ull << SIGTERM)) return 0;
    }
    if (!accepting || (fds[1].revents & POLLIN) == 0) continue;
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof peer;
    UniqueFd connection(::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_CLOEXEC));
    if (!connection.valid()) {
      // A connection reset before we took it, or out of fds: not fatal.
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED && verbosity >= 1)
        LogLine("error").Add("what", "accept").Add("error", std::strerror(errno)).Emit();
      continue;
    }
    std::optional<IpAddress> peer_ip = IpAddress::FromSockaddr(peer);
    const std::string key = peer_ip ? ClientKey(*peer_ip) : std::string("unknown");
    if (Admission verdict = clients.Admit(key, MonotonicMs()); verdict != Admission::kAdmit) {
      RefuseClient(connection.get(), key, verdict, policy.pop3, verbosity);
      continue;
    }
    // Stress mode first: a worker learns it with the connection, a forked
    // session inherits it, and the others are signalled before.
    ++children;
    if (stress.Update(children)) AnnounceStress(stress.on(), children, limit, clients, policy, verbosity, workers);
    pid_t pid = workers != nullptr ? workers->HandOff(connection.get(), MonotonicMs())
                                   : ForkSession(std::move(connection), pool, serve);
    if (pid < 0) {
      if (verbosity >= 1)
        LogLine("error").Add("what", workers != nullptr ? "worker" : "fork").Add("error", std::strerror(errno)).Emit();
      --children;
      continue;  // the connection closes: the client retries later
    }
    clients.Started(pid, key);
    if (verbosity >= 2) LogLine("start").Add("pid", static_cast<long long>(pid)).Add("children", children).Emit();
  }
}

}  // namespace ms::smtpd
