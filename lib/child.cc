#include "child.h"

#include "fd.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ms {

Result<pid_t> Spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) return MakeError("spawn: empty argv");
  // Move every source fd out of the way first, so mappings that swap fds
  // (child 0 <- parent 1, child 1 <- parent 0) cannot clobber each other,
  // and so dup2 always clears close-on-exec on the target.
  std::vector<int> temps;
  auto close_temps = [&temps] {
    for (int t : temps) ::close(t);
  };
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Temporaries live above every target fd, so no dup2 onto a target can
  // overwrite a temporary that a later mapping still needs.
  int temp_base = 64;
  for (const auto& mapping : spec.fds) temp_base = std::max(temp_base, mapping.first + 1);
  for (const auto& [child_fd, parent_fd] : spec.fds) {
    int temp = ::fcntl(parent_fd, F_DUPFD_CLOEXEC, temp_base);
    if (temp < 0) {
      int e = errno;
      close_temps();
      posix_spawn_file_actions_destroy(&actions);
      return MakeError(std::string("spawn: dup: ") + std::strerror(e));
    }
    temps.push_back(temp);
    posix_spawn_file_actions_adddup2(&actions, temp, child_fd);
  }
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  char** env = environ;
  if (spec.env != nullptr) {
    for (const auto& e : *spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    env = envp.data();
  }
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env);
  posix_spawn_file_actions_destroy(&actions);
  close_temps();
  if (rc != 0) return MakeError("unable to run " + spec.argv[0] + ": " + std::strerror(rc), rc);
  return pid;
}

ExitStatus DecodeWaitStatus(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) {
    s.exited = true;
    s.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
  }
  return s;
}

ExitStatus WaitFor(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, 0);
    if (r == pid) return DecodeWaitStatus(status);
    if (r < 0 && errno == EINTR) continue;
    return ExitStatus{};
  }
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    this->~Child();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    WaitFor(pid_);
  }
}

ExitStatus Child::Wait() {
  if (pid_ <= 0) return ExitStatus{};
  ExitStatus s = WaitFor(pid_);
  pid_ = -1;
  return s;
}

ExitStatus Child::WaitUntil(const Deadline& deadline, bool* timed_out) {
  *timed_out = false;
  if (pid_ <= 0) return ExitStatus{};
  if (deadline.never()) return Wait();
  // A pidfd becomes readable when the child exits: poll it until the
  // deadline.  Kernels without pidfd_open (before 5.3) poll waitpid.
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return DecodeWaitStatus(status);
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return ExitStatus{};
    }
    if (deadline.Expired()) break;
    if (pidfd.valid()) {
      struct pollfd p = {pidfd.get(), POLLIN, 0};
      ::poll(&p, 1, deadline.PollTimeout());
    } else {
      struct pollfd none;
      ::poll(&none, 0, std::min(deadline.PollTimeout(), 20));
    }
  }
  *timed_out = true;
  ::kill(pid_, SIGKILL);
  return Wait();
}

}  // namespace ms
