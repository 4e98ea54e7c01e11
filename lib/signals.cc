#include "signals.h"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ms {

namespace {
int g_pipe[2] = {-1, -1};
std::atomic<unsigned long long> g_pending{0};
// Who made the pipe, and its ends' inodes: a forked child that calls
// Install again must not keep using its parent's pipe (shared with the
// parent, or already closed by close_range and the numbers reused).
pid_t g_owner = 0;
ino_t g_inode[2] = {0, 0};

// In a forked child: closes the inherited ends if they are still the
// parent's pipe (never an fd that has since been reused), and forgets them.
void ForgetInheritedPipe() {
  for (int i = 0; i < 2; ++i) {
    struct stat st;
    if (::fstat(g_pipe[i], &st) == 0 && S_ISFIFO(st.st_mode) && st.st_ino == g_inode[i])
      ::close(g_pipe[i]);
    g_pipe[i] = -1;
  }
}

void OnSignal(int signo) {
  int saved = errno;
  if (signo > 0 && signo < 64) g_pending.fetch_or(1ULL << signo);
  char c = static_cast<char>(signo);
  if (g_pipe[1] >= 0) {
    [[maybe_unused]] ssize_t n = ::write(g_pipe[1], &c, 1);
  }
  errno = saved;
}
}  // namespace

bool SignalPipe::Install(std::initializer_list<int> signals) {
  if (g_pipe[0] >= 0 && g_owner != ::getpid()) ForgetInheritedPipe();
  if (g_pipe[0] < 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    for (int i = 0; i < 2; ++i) {
      struct stat st;
      g_inode[i] = ::fstat(fds[i], &st) == 0 ? st.st_ino : 0;
    }
    g_owner = ::getpid();
    g_pipe[1] = fds[1];
    g_pipe[0] = fds[0];
  }
  for (int s : signals) {
    struct sigaction sa = {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    if (::sigaction(s, &sa, nullptr) != 0) return false;
  }
  return true;
}

int SignalPipe::fd() { return g_pipe[0]; }

unsigned long long SignalPipe::Take() {
  char buf[64];
  while (g_pipe[0] >= 0 && ::read(g_pipe[0], buf, sizeof buf) > 0) {
  }
  return g_pending.exchange(0);
}

void DefaultSignal(int signo) {
  struct sigaction sa = {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  ::sigaction(signo, &sa, nullptr);
}

void IgnoreSignal(int signo) {
  struct sigaction sa = {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  ::sigaction(signo, &sa, nullptr);
}

}  // namespace ms
