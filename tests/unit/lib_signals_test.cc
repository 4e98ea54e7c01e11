#include <catch2/catch.hpp>

#include <poll.h>
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
