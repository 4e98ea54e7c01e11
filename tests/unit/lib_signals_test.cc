#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "signals.h"

TEST_CASE("signals: self-pipe reports signals as a readable fd", "[lib][signals]") {
  REQUIRE(ms::SignalPipe::Install({SIGUSR1, SIGUSR2}));
  REQUIRE(ms::SignalPipe::Install({SIGUSR1}));  // idempotent: the same pipe
  int fd = ms::SignalPipe::fd();
  REQUIRE(fd >= 0);
  ms::SignalPipe::Take();
  struct pollfd p = {fd, POLLIN, 0};
  CHECK(::poll(&p, 1, 0) == 0);
  ::raise(SIGUSR1);
  ::raise(SIGUSR2);
  ::raise(SIGUSR1);
  CHECK(::poll(&p, 1, 1000) == 1);
  unsigned long long got = ms::SignalPipe::Take();
  CHECK(got == ((1ULL << SIGUSR1) | (1ULL << SIGUSR2)));
  CHECK(ms::SignalPipe::Take() == 0);
  CHECK(::poll(&p, 1, 0) == 0);
  CHECK(ms::SignalPipe::fd() == fd);
  ms::DefaultSignal(SIGUSR1);
  ms::DefaultSignal(SIGUSR2);
}

TEST_CASE("signals: many signals never block the handler", "[lib][signals]") {
  REQUIRE(ms::SignalPipe::Install({SIGUSR1}));
  for (int i = 0; i < 100000; ++i) ::raise(SIGUSR1);  // far more than the pipe holds
  CHECK(ms::SignalPipe::Take() == (1ULL << SIGUSR1));
  ms::DefaultSignal(SIGUSR1);
}

TEST_CASE("signals: ignore and default dispositions", "[lib][signals]") {
  ms::IgnoreSignal(SIGUSR2);
  ::raise(SIGUSR2);  // would end the test run if not ignored
  struct sigaction sa;
  REQUIRE(::sigaction(SIGUSR2, nullptr, &sa) == 0);
  CHECK(sa.sa_handler == SIG_IGN);
  ms::DefaultSignal(SIGUSR2);
  REQUIRE(::sigaction(SIGUSR2, nullptr, &sa) == 0);
  CHECK(sa.sa_handler == SIG_DFL);
}

TEST_CASE("signals: handlers interrupt blocking calls (no SA_RESTART)", "[lib][signals]") {
  REQUIRE(ms::SignalPipe::Install({SIGALRM}));
  struct sigaction sa;
  REQUIRE(::sigaction(SIGALRM, nullptr, &sa) == 0);
  CHECK((sa.sa_flags & SA_RESTART) == 0);
  ms::DefaultSignal(SIGALRM);
}

TEST_CASE("signals: a forked child that closed inherited fds gets its own pipe", "[lib][signals]") {
  REQUIRE(ms::SignalPipe::Install({SIGUSR1}));
  int parent_fd = ms::SignalPipe::fd();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // As a spawner does: close everything above 2, then reuse the numbers.
    ::close_range(3, ~0U, 0);
    int reused[8];
    for (int& fd : reused) fd = ::open("/dev/null", O_WRONLY);
    if (!ms::SignalPipe::Install({SIGUSR1})) _exit(10);
    int fd = ms::SignalPipe::fd();
    for (int r : reused)
      if (r == fd) _exit(11);
    ::raise(SIGUSR1);
    struct pollfd p = {fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) _exit(12);
    if (ms::SignalPipe::Take() != (1ULL << SIGUSR1)) _exit(13);
    for (int r : reused)
      if (::fcntl(r, F_GETFD) < 0) _exit(14);  // nothing of ours was closed
    _exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // The parent's pipe is untouched.
  CHECK(ms::SignalPipe::fd() == parent_fd);
  CHECK(::fcntl(parent_fd, F_GETFD) >= 0);
  ms::DefaultSignal(SIGUSR1);
}
