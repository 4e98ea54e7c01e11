#include <catch2/catch.hpp>

#include "send/retry.h"

using ms::send::LifetimeExpired;
using ms::send::NextRetry;

TEST_CASE("retry schedule is qmail's (sqrt(age) + c)^2", "[send][retry]") {
  const int64_t q = 1000000;
  CHECK(NextRetry(q, q, 20) == q + 400);
  CHECK(NextRetry(q, q + 400, 20) == q + 40 * 40);
  CHECK(NextRetry(q, q + 1600, 20) == q + 60 * 60);
  CHECK(NextRetry(q, q + 1601, 20) == q + 60 * 60);
  CHECK(NextRetry(q, q + 3599, 20) == q + 79 * 79);
  // local: c = 10
  CHECK(NextRetry(q, q, 10) == q + 100);
  CHECK(NextRetry(q, q + 100, 10) == q + 400);
}

TEST_CASE("retry intervals grow and are always in the future", "[send][retry]") {
  const int64_t q = 1700000000;
  int64_t last = q, gap = 0;
  for (int i = 0; i < 200; ++i) {
    int64_t next = NextRetry(q, last, 20);
    REQUIRE(next > last);
    REQUIRE(next - last >= gap);
    gap = next - last;
    last = next;
  }
}

TEST_CASE("retry survives clocks going backwards and huge ages", "[send][retry]") {
  CHECK(NextRetry(1000, 500, 5) == 1025);
  CHECK(NextRetry(0, int64_t{1} << 60, 1) > (int64_t{1} << 60));
}

TEST_CASE("queuelifetime", "[send][retry]") {
  CHECK_FALSE(LifetimeExpired(1000, 1999, 1000));
  CHECK(LifetimeExpired(1000, 2000, 1000));
  CHECK(LifetimeExpired(1000, 1000, 0));
}
