#include "tcpserver/tcp_connection.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fd.h"
#include "ip_address.h"
#include "log.h"
#include "server_cert.h"
#include "smtpd/queue_helper.h"
#include "smtpd/smtpd_main.h"
#include "tcpserver/filter_pool_start.h"
#include "tcpserver/tcp_rules.h"
#include "tcpserver/tcpserver_identity.h"

namespace ms::smtpd {
namespace {

struct Endpoint {
  std::string ip;
  std::string port;
  bool v6 = false;
};

Endpoint Describe(const sockaddr_storage& address) {
  Endpoint e;
  uint16_t port = 0;
  std::optional<IpAddress> ip = IpAddress::FromSockaddr(address, &port);
  if (!ip) return e;
  // An IPv4 client of a dual-stack socket is reported as IPv4.
  IpAddress shown = ip->Unmapped();
  e.ip = shown.ToString();
  e.port = std::to_string(port);
  e.v6 = shown.v6;
  return e;
}

int Failed(const char* what, const std::string& error) {
  LogLine("error").Add("what", what).Add("error", error).Emit();
  return 111;
}

[[noreturn]] void Fail(const char* what, const std::string& error) { ::_exit(Failed(what, error)); }

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

}  // namespace

bool IsOurProgram(const std::string& program, const char* name) {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return false;
  std::string ours(self, static_cast<size_t>(n));
  ours = ours.substr(0, ours.rfind('/') + 1) + name;
  if (program.find('/') != std::string::npos) return SameFile(program, ours);
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (true) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    // execvp takes the first executable match; so do we.
    if (::access(candidate.c_str(), X_OK) == 0) return SameFile(candidate, ours);
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

int PrepareConnection(int fd, const TcpServerOptions& options) {
  sockaddr_storage local{}, remote{};
  socklen_t local_length = sizeof local, remote_length = sizeof remote;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
      ::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remote_length) != 0) {
    return 111;  // the client is already gone
  }
  Endpoint here = Describe(local), there = Describe(remote);
  ::setenv("PROTO", there.v6 ? "TCP6" : "TCP", 1);
  ::setenv("TCPLOCALIP", here.ip.c_str(), 1);
  ::setenv("TCPLOCALPORT", here.port.c_str(), 1);
  ::setenv("TCPREMOTEIP", there.ip.c_str(), 1);
  ::setenv("TCPREMOTEPORT", there.port.c_str(), 1);
  if (!options.local_host.empty()) ::setenv("TCPLOCALHOST", options.local_host.c_str(), 1);
  else ::unsetenv("TCPLOCALHOST");
  ::unsetenv("TCPREMOTEHOST");
  ::unsetenv("TCPREMOTEINFO");
  if (!options.rules.empty()) {
    UniqueFd rules(::open(options.rules.c_str(), O_RDONLY | O_CLOEXEC));
    if (rules.valid()) {
      auto rule = LookupTcpRule(rules.get(), options.rules, there.ip);
      if (!rule) return Failed("rules", rule.error().message);
      if (rule->deny) {
        if (options.verbosity >= 2) LogLine("deny").Add("ip", there.ip).Add("port", there.port).Emit();
        return 100;
      }
      for (const auto& [name, value] : rule->environment) ::setenv(name.c_str(), value.c_str(), 1);
    } else if (errno != ENOENT || !options.rules_may_be_missing) {
      return Failed("rules", "unable to read " + options.rules + ": " + std::strerror(errno));
    }
  }
  if (options.verbosity >= 2)
    LogLine("ok").Add("pid", static_cast<long long>(::getpid())).Add("ip", there.ip).Add("port", there.port).Emit();
  return -1;
}

void ServeConnection(int fd, const TcpServerOptions& options, bool smtpd_in_process, int helper_socket,
                     int filter_control) {
  if (Status s = TakeConnectionIdentity(); !s.ok()) Fail("setuid", s.error().message);
  if (int code = PrepareConnection(fd, options); code >= 0) ::_exit(code);
  // The filter pool (filter/FILTER_POOL.md) when this session's QMAILQUEUE
  // (after the rules) is our mailsuite-filter; the queue helper leased for
  // this connection then goes to the pool, for the workers' hand-off to
  // the queue, and never to smtpd's code.
  int filter_socket = -1;
  if (smtpd_in_process && filter_control >= 0 && NamesOurFilter(std::getenv("QMAILQUEUE"))) {
    filter_socket = JoinFilterPool(filter_control, helper_socket).release();
    if (helper_socket >= 0) ::close(helper_socket);
    helper_socket = -1;
  }
  if (::dup2(fd, 0) != 0 || ::dup2(fd, 1) != 1) ::_exit(111);
  // Nothing of the parent's but fds 0-2 (and our queue helper's socket, as
  // fd 3, or the filter pool's, as fd 4) reaches the program: not the
  // listening socket, not the signal pipe, not the other helpers' sockets.
  if (helper_socket >= 0 && smtpd_in_process) {
    if (helper_socket != kHelperSocket && ::dup2(helper_socket, kHelperSocket) != kHelperSocket) ::_exit(111);
    ::close_range(kHelperSocket + 1, ~0U, 0);
  } else if (filter_socket >= 0) {
    helper_socket = -1;
    if (filter_socket != kFilterPoolSocket && ::dup2(filter_socket, kFilterPoolSocket) != kFilterPoolSocket)
      ::_exit(111);
    ::close(kHelperSocket);  // no queue helper: nothing of ours on fd 3
    ::close_range(kFilterPoolSocket + 1, ~0U, 0);
  } else {
    helper_socket = -1;
    ::close_range(3, ~0U, 0);
  }
  std::vector<std::string> args = options.program;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (smtpd_in_process) {
    // mailsuite-smtpd takes the pool's helper (or forks its own with our
    // effective identity) and gives that identity up itself, exactly as
    // when exec'd set-uid.
    ::_exit(RunSmtpd(static_cast<int>(args.size()), argv.data(), helper_socket >= 0 ? kHelperSocket : -1,
                     filter_socket >= 0 ? kFilterPoolSocket : -1));
  }
  // Anything else starts as the session user alone, as under tcpserver -u.
  if (!DropSetUidIdentity()) Fail("setuid", "unable to drop the queue owner's identity");
  ExportServerCertForExec();  // rblsmtpd passes it on to smtpd
  ::execvp(argv[0], argv.data());
  Fail("exec", "unable to run " + args[0] + ": " + std::strerror(errno));
}

}  // namespace ms::smtpd
