#include "send/spawner.h"

#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <climits>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "become_user.h"
#include "deadline.h"
#include "fd_passing.h"
#include "log.h"
#include "send/delivery_workers.h"
#include "send/recipient_lookup.h"
#include "send/recipient_request.h"
#include "send/spawn_child.h"
#include "signals.h"
#include "text.h"

extern char** environ;

namespace ms::send {

namespace {

bool ParseUnsigned(std::string_view text, uint64_t* value) {
  auto n = ParseDecimal(text, UINT64_MAX, 20);
  if (n) *value = *n;
  return n.has_value();
}

bool ParseSigned(std::string_view text, int* value) {
  auto n = ParseSignedDecimal(text, INT_MIN, INT_MAX);
  if (n) *value = static_cast<int>(*n);
  return n.has_value();
}

[[noreturn]] void ExecDeliverer(const ExecPlan& plan) {
  PrepareDeliverer(plan);
  ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  ChildFail("unable to run the deliverer (#4.3.0)\n");
}

// The local spawner's decision (SPAWNER.md "Who a recipient is"): the
// account comes from our own lookups, the default delivery from our own
// start.  A request that is not a recipient request, or names an account
// a rule refuses, is logged; a recipient without a usable account gets
// its reason line and exit code, as from mailsuite-local.
template <typename Reply>
std::optional<SpawnRequest> Decide(RecipientLookup& lookup, const std::string& data, int fd1,
                                   const Reply& reply) {
  auto request = DecodeRecipientRequest(data);
  if (!request) {
    LogLine("refused").Add("reason", "not a recipient request").Add("bytes", data.size()).Emit();
    return std::nullopt;
  }
  Resolution r = lookup.Resolve(*request);
  if (!r.refused.empty())
    LogLine("refused").Add("job", static_cast<unsigned long long>(request->job))
        .Add("to", request->local + "@" + request->domain).Add("account", r.refused).Emit();
  if (r.request) return std::move(r.request);
  WriteAll(fd1, r.reason + "\n");
  reply(request->job, r.exit_code << 8);
  return std::nullopt;
}

[[noreturn]] void Serve(const SpawnerOptions& options, int sock) {
  SetLogProgram(options.looks_up_recipients ? "mailsuite-send-lspawn" : "mailsuite-send-spawn");
  // A name ps and the production-install test can tell apart (15 octets).
  ::prctl(PR_SET_NAME, options.looks_up_recipients ? "ms-send-lspawn" : "ms-send-rspawn", 0, 0, 0);
  // SIGCHLD through a signalfd of our own: no handler, and nothing shared
  // with whatever signal set-up the forking process had (its self-pipe fds
  // are closed in us).  Deliverers get an empty mask back before exec.
  for (int signo : {SIGCHLD, SIGTERM, SIGHUP, SIGALRM}) DefaultSignal(signo);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, nullptr);
  int children = ::signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
  if (children < 0) _exit(111);
  // The scheduler's signals are for it alone (a process-group SIGTERM must
  // not take away the spawner while deliveries finish); we end when it does.
  for (int signo : {SIGTERM, SIGHUP, SIGALRM}) IgnoreSignal(signo);
  auto reply = [sock](uint64_t job, int status) { SendReply(sock, job, status); };
  std::optional<RecipientLookup> lookup;
  if (options.looks_up_recipients)
    lookup.emplace(options.users_file, options.default_delivery, options.switch_user,
                   SystemAccountLookup());
  std::optional<DeliveryWorkers> workers;
  if (options.in_process != nullptr)
    workers.emplace(options.in_process, options.program, options.switch_user);
  std::map<pid_t, uint64_t> running;  // exec'd deliverers
  std::string data;
  std::vector<struct pollfd> p;
  for (;;) {
    p.assign({{sock, POLLIN, 0}, {children, POLLIN, 0}});
    int timeout = -1;
    if (workers) {
      workers->AddPollFds(&p);
      timeout = workers->Expire(MonotonicMs());
    }
    if (::poll(p.data(), p.size(), timeout) < 0 && errno != EINTR) _exit(111);
    if (workers) workers->CollectReplies(p.data() + 2, p.size() - 2, reply, MonotonicMs());
    if (p[1].revents != 0) {
      struct signalfd_siginfo info[16];
      while (::read(children, info, sizeof info) > 0) {
      }
    }
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      if (workers && workers->Reaped(pid, status, reply)) continue;
      auto it = running.find(pid);
      if (it == running.end()) continue;
      reply(it->second, status);
      running.erase(it);
    }
    if (p[0].revents == 0) continue;
    UniqueFd fd0, fd1;
    bool eof = false;
    if (!ReceiveRequest(sock, &data, &fd0, &fd1, &eof)) {
      // The scheduler is gone: its children carry on alone; nothing is
      // lost because it records results only from our replies.
      if (eof) _exit(0);
      continue;
    }
    std::optional<SpawnRequest> req;
    if (lookup) {
      req = Decide(*lookup, data, fd1.get(), reply);
      if (!req) continue;
    } else {
      req = DecodeSpawnRequest(data);
      if (!req) {
        LogLine("bad-request").Add("bytes", data.size()).Emit();
        continue;
      }
    }
    if (workers) {
      // No fork or exec per delivery (SPAWNER.md "Delivery workers").
      if (!workers->Dispatch(*req, fd0.get(), fd1.get())) reply(req->job, 111 << 8);
      continue;
    }
    ExecPlan plan;
    plan.argv.push_back(const_cast<char*>(options.program.c_str()));
    for (auto& a : req->args) plan.argv.push_back(a.data());
    plan.argv.push_back(nullptr);
    std::string quota_variable = "MAILSUITE_QUOTA=" + req->quota;
    for (char** e = environ; *e != nullptr; ++e)
      if (std::strncmp(*e, "MAILSUITE_QUOTA=", 16) != 0) plan.envp.push_back(*e);
    plan.envp.push_back(quota_variable.data());
    plan.envp.push_back(nullptr);
    plan.switch_user = options.switch_user;
    plan.uid = req->uid;
    plan.gid = req->gid;
    plan.fd0 = fd0.get();
    plan.fd1 = fd1.get();
    // vfork: no copy of our page tables per delivery; we wait (suspended)
    // only until the child has exec'd.  The socket is close-on-exec.
    pid_t pid = ::vfork();
    if (pid == 0) ExecDeliverer(plan);
    if (pid < 0) {
      // Report a temporary failure as if the deliverer had exited 111.
      reply(req->job, 111 << 8);
      continue;
    }
    running[pid] = req->job;
  }
}

}  // namespace

std::string EncodeSpawnRequest(const SpawnRequest& r) {
  std::string out = std::to_string(r.job);
  out += '\0';
  out += std::to_string(r.uid);
  out += '\0';
  out += std::to_string(r.gid);
  out += '\0';
  out += r.quota;
  out += '\0';
  for (const auto& a : r.args) {
    out += a;
    out += '\0';
  }
  return out;
}

std::optional<SpawnRequest> DecodeSpawnRequest(std::string_view data) {
  auto split = SplitNulTerminated(data);
  if (!split) return std::nullopt;
  const std::vector<std::string_view>& fields = *split;
  if (fields.size() < 4) return std::nullopt;
  SpawnRequest r;
  uint64_t uid = 0, gid = 0;
  if (!ParseUnsigned(fields[0], &r.job) || !ParseUnsigned(fields[1], &uid) ||
      !ParseUnsigned(fields[2], &gid) || uid > 0xffffffffu || gid > 0xffffffffu)
    return std::nullopt;
  r.uid = static_cast<uid_t>(uid);
  r.gid = static_cast<gid_t>(gid);
  r.quota = std::string(fields[3]);
  for (size_t i = 4; i < fields.size(); ++i) r.args.emplace_back(fields[i]);
  return r;
}

std::string EncodeSpawnReply(const SpawnReply& r) {
  return std::to_string(r.job) + " " + std::to_string(r.wait_status);
}

std::optional<SpawnReply> DecodeSpawnReply(std::string_view data) {
  size_t space = data.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  SpawnReply r;
  if (!ParseUnsigned(data.substr(0, space), &r.job) ||
      !ParseSigned(data.substr(space + 1), &r.wait_status))
    return std::nullopt;
  return r;
}

Status SpawnerClient::Send(const SpawnRequest& request, int fd0, int fd1) {
  return SendDatagram(EncodeSpawnRequest(request), fd0, fd1);
}

Status SpawnerClient::SendDatagram(const std::string& data, int fd0, int fd1) {
  if (data.size() > kMaxSpawnRequest) return MakeError("spawn request too large");
  Status sent = SendWithFds(socket_.get(), data, fd0, fd1);
  if (!sent) return MakeError("spawner: " + sent.error().message);
  return Ok{};
}

std::optional<SpawnReply> SpawnerClient::Receive(bool* eof) {
  char buf[128];
  ssize_t n = ::recv(socket_.get(), buf, sizeof buf, MSG_DONTWAIT);
  *eof = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
  if (n <= 0) return std::nullopt;
  return DecodeSpawnReply(std::string_view(buf, static_cast<size_t>(n)));
}

Result<SpawnerClient> StartSpawner(const SpawnerOptions& options) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    return MakeError(std::string("socketpair: ") + std::strerror(errno));
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t pid = ::fork();
  if (pid < 0) return MakeError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Keep only stderr (the log) and our socket, as fd 3: no copy of the
    // scheduler's lock or of another spawner's socket may outlive it here.
    if (::dup2(theirs.get(), 3) < 0) _exit(111);
    ::close_range(4, ~0U, 0);
    if (options.run_as) {
      if (BecomeUserNow(options.run_as->first, options.run_as->second) != nullptr) _exit(111);
    }
    Serve(options, 3);
  }
  return SpawnerClient(std::move(ours), pid);
}

}  // namespace ms::send
