// When a deferred recipient is tried again (qmail-send's nextretry):
//
//   next = queued + (floor(sqrt(last_attempt - queued)) + c)^2
//
// c is `retrylocal` (default 10) or `retryremote` (default 20) seconds^1/2.
// With c = 20 a remote recipient is retried after 400 s, 1600 s, 3600 s,
// 6400 s, ... from the queueing time: the gaps grow linearly, so the
// number of attempts grows with the square root of the message's age.
// A deferral that happens at or after queued + queuelifetime bounces.
#ifndef MAILSUITE_SEND_RETRY_H_
#define MAILSUITE_SEND_RETRY_H_

#include <cstdint>

namespace ms::send {

int64_t NextRetry(int64_t queued, int64_t last_attempt, int64_t c);
bool LifetimeExpired(int64_t queued, int64_t now, int64_t lifetime);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_RETRY_H_
