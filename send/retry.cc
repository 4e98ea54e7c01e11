#include "send/retry.h"

namespace ms::send {

namespace {
int64_t FloorSqrt(int64_t x) {
  if (x <= 0) return 0;
  int64_t r = 0;
  // Binary search on r: exact for every int64 age, no floating point.
  int64_t lo = 0, hi = 3037000499;  // floor(sqrt(INT64_MAX))
  while (lo <= hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (mid * mid <= x) {
      r = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return r;
}
}  // namespace

int64_t NextRetry(int64_t queued, int64_t last_attempt, int64_t c) {
  // A clock that went backwards (last < queued) counts as age 0.
  int64_t n = FloorSqrt(last_attempt - queued) + c;
  return queued + n * n;
}

bool LifetimeExpired(int64_t queued, int64_t now, int64_t lifetime) {
  return now >= queued + lifetime;
}

}  // namespace ms::send
