#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "deadline.h"
#include "fd.h"
#include "signals.h"

TEST_CASE("deadline: never, expired, later", "[lib][deadline]") {
  auto never = ms::Deadline::Never();
  CHECK(never.never());
  CHECK(!never.Expired());
  CHECK(never.PollTimeout() == -1);
  auto now = ms::Deadline::AfterMs(0);
  CHECK(now.Expired());
  CHECK(now.PollTimeout() == 0);
  auto past = ms::Deadline::AfterMs(-1000);
  CHECK(past.Expired());
  CHECK(past.PollTimeout() == 0);
  auto later = ms::Deadline::AfterSeconds(100);
  CHECK(!later.Expired());
  CHECK(later.PollTimeout() > 90000);
  CHECK(later.PollTimeout() <= 100000);
  CHECK(ms::Deadline::AfterSeconds(int64_t{1} << 40).PollTimeout() == 0x7fffffff);
  CHECK(ms::MonotonicMs() <= ms::MonotonicMs());
}

TEST_CASE("deadline: waiting and reading", "[lib][deadline]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  char buf[16];
  CHECK(ms::WaitReadable(r.get(), ms::Deadline::AfterMs(10)) == ms::WaitResult::kTimeout);
  CHECK(ms::ReadWithDeadline(r.get(), buf, sizeof buf, ms::Deadline::AfterMs(10)) == -2);
  REQUIRE(ms::WriteAll(w.get(), "abc"));
  CHECK(ms::WaitReadable(r.get(), ms::Deadline::Never()) == ms::WaitResult::kReady);
  CHECK(ms::ReadWithDeadline(r.get(), buf, sizeof buf, ms::Deadline::AfterSeconds(5)) == 3);
  CHECK(ms::WaitWritable(w.get(), ms::Deadline::AfterMs(0)) == ms::WaitResult::kReady);
  w.reset();
  CHECK(ms::ReadWithDeadline(r.get(), buf, sizeof buf, ms::Deadline::AfterSeconds(5)) == 0);
  CHECK(ms::ReadWithDeadline(9999, buf, sizeof buf, ms::Deadline::AfterSeconds(5)) == -1);
}

TEST_CASE("deadline: writes time out against a reader that does not read", "[lib][deadline]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  REQUIRE(::fcntl(w.get(), F_SETFL, O_NONBLOCK) == 0);
  std::string big(1 << 20, 'x');
  bool timed_out = false;
  CHECK(!ms::WriteAllWithDeadline(w.get(), big.data(), big.size(), ms::Deadline::AfterMs(20),
                                  &timed_out));
  CHECK(timed_out);
}

TEST_CASE("deadline: writes complete with a reader, fail on a closed one", "[lib][deadline]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  std::string big(1 << 20, 'y');
  std::string got;
  std::thread reader([&] { ms::ReadAll(r.get(), &got); });
  bool timed_out = true;
  CHECK(ms::WriteAllWithDeadline(w.get(), big.data(), big.size(), ms::Deadline::AfterSeconds(30),
                                 &timed_out));
  CHECK(!timed_out);
  w.reset();
  reader.join();
  CHECK(got == big);

  ms::UniqueFd r2, w2;
  REQUIRE(ms::MakePipe(&r2, &w2));
  r2.reset();
  ms::IgnoreSignal(SIGPIPE);
  CHECK(!ms::WriteAllWithDeadline(w2.get(), "x", 1, ms::Deadline::AfterSeconds(5), &timed_out));
  CHECK(!timed_out);
  ms::DefaultSignal(SIGPIPE);
}
