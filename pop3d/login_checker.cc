#include "login_checker.h"

#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "child.h"
#include "deadline.h"
#include "fd.h"

namespace ms::pop3d {

namespace {

void SleepUntil(int64_t at_ms) {
  for (int64_t now = MonotonicMs(); now < at_ms; now = MonotonicMs()) {
    int64_t left = at_ms - now;
    struct timespec ts = {static_cast<time_t>(left / 1000), static_cast<long>(left % 1000) * 1000000};
    nanosleep(&ts, nullptr);
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
  int64_t started = MonotonicMs();
  UniqueFd read_end, write_end;
  if (!MakePipe(&read_end, &write_end)) {
    last_error_ = "pipe failed";
    return AuthResult::kTemporaryFailure;
  }
  SpawnSpec spec;
  spec.argv = command_;
  spec.fds = {{3, read_end.get()}};
  Result<pid_t> pid = Spawn(spec);
  read_end.reset();
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
  ExitStatus status = WaitFor(*pid);
  if (!status.exited) {
    killed_by_ = status.signal;
    return AuthResult::kSessionDone;
  }
  if (status.code == 0) return AuthResult::kSessionDone;
  if (status.code == 1) {
    SleepUntil(started + fail_delay_ms_);
    return AuthResult::kRejected;
  }
  last_error_ = "checker exit " + std::to_string(status.code);
  return AuthResult::kTemporaryFailure;
}

}  // namespace ms::pop3d
