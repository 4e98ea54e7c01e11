#include "pop3d/login_checker.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "child.h"
#include "fd.h"
#include "pop3d/tls_transport.h"

#include <sys/socket.h>

namespace ms::pop3d {

namespace {

struct timespec Now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts;
}

// Sleeps until exactly `ms` after `start` (absolute, so neither rounding
// nor an interrupted sleep shortens the delay).
void SleepUntil(struct timespec start, int ms) {
  struct timespec at = start;
  at.tv_sec += ms / 1000;
  at.tv_nsec += static_cast<long>(ms % 1000) * 1000000;
  if (at.tv_nsec >= 1000000000) {
    at.tv_sec += 1;
    at.tv_nsec -= 1000000000;
  }
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
  }
}

}  // namespace

std::string FindProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return "";
}

AuthResult LoginChecker::Authenticate(std::string_view user, std::string_view password) {
  struct timespec started = Now();
  UniqueFd read_end, write_end;
  if (!MakePipe(&read_end, &write_end)) {
    last_error_ = "pipe failed";
    return AuthResult::kTemporaryFailure;
  }
  UniqueFd local, remote;  // the relay's socketpair under TLS
  if (tls_ != nullptr) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      last_error_ = "socketpair failed";
      return AuthResult::kTemporaryFailure;
    }
    local = UniqueFd(sv[0]);
    remote = UniqueFd(sv[1]);
  }
  SpawnSpec spec;
  spec.argv = command_;
  spec.fds = {{3, read_end.get()}};
  if (tls_ != nullptr) spec.fds = {{0, remote.get()}, {1, remote.get()}, {3, read_end.get()}};
  Result<pid_t> pid = Spawn(spec);
  read_end.reset();
  remote.reset();
  if (!pid.ok()) {
    last_error_ = pid.error().message;
    return AuthResult::kTemporaryFailure;
  }
  std::string data;
  data.reserve(user.size() + password.size() + timestamp_.size() + 3);
  data.append(user).push_back('\0');
  data.append(password).push_back('\0');
  data.append(timestamp_).push_back('\0');
  // A checker that exits without reading gives EPIPE (SIGPIPE is
  // ignored); its exit status says what happened.
  WriteAll(write_end.get(), data);
  explicit_bzero(data.data(), data.size());
  write_end.reset();
  if (tls_ != nullptr) RelayUntilExit(*tls_, local.get());
  ExitStatus status = WaitFor(*pid);
  if (!status.exited) {
    killed_by_ = status.signal;
    return AuthResult::kSessionDone;
  }
  if (status.code == 0) return AuthResult::kSessionDone;
  if (status.code == 1) {
    SleepUntil(started, fail_delay_ms_);
    return AuthResult::kRejected;
  }
  last_error_ = "checker exit " + std::to_string(status.code);
  return AuthResult::kTemporaryFailure;
}

}  // namespace ms::pop3d
