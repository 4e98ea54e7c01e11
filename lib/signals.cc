#include "signals.h"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

namespace ms {

namespace {
int g_pipe[2] = {-1, -1};
std::atomic<unsigned long long> g_pending{0};

void OnSignal(int signo) {
  int saved = errno;
  if (signo > 0 && signo < 64) g_pending.fetch_or(1ULL << signo);
  char c = static_cast<char>(signo);
  [[maybe_unused]] ssize_t n = ::write(g_pipe[1], &c, 1);
  errno = saved;
}
}  // namespace

bool SignalPipe::Install(std::initializer_list<int> signals) {
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return false;
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
