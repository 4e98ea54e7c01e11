#include <catch2/catch.hpp>

#include <deque>

#include "send/fair_take.h"

using ms::send::TakeFair;

TEST_CASE("a flood of new mail does not starve retries, nor the reverse", "[send][fair]") {
  std::deque<int> fresh, retry;
  for (int i = 0; i < 1000; ++i) fresh.push_back(i);
  retry = {-1, -2, -3};
  bool prefer_retry = false;
  std::vector<int> order;
  int x = 0;
  for (int i = 0; i < 8 && TakeFair(fresh, retry, &prefer_retry, &x); ++i) order.push_back(x);
  CHECK(order == std::vector<int>{0, -1, 1, -2, 2, -3, 3, 4});
  // the reverse: a retry backlog with new mail arriving
  std::deque<int> f2 = {100, 101}, r2;
  for (int i = 0; i < 500; ++i) r2.push_back(-i);
  order.clear();
  prefer_retry = true;
  for (int i = 0; i < 6 && TakeFair(f2, r2, &prefer_retry, &x); ++i) order.push_back(x);
  CHECK(order == std::vector<int>{0, 100, -1, 101, -2, -3});
}

TEST_CASE("empty queues give nothing", "[send][fair]") {
  std::deque<int> a, b;
  bool p = false;
  int x = 7;
  CHECK_FALSE(TakeFair(a, b, &p, &x));
  CHECK(x == 7);
}
