// Taking work from two queues — first attempts and retries — in turn, so
// that neither a flood of new mail nor a retry backlog starves the other
// (qmail's "silly qmail syndrome" was the first kind).
#ifndef MAILSUITE_SEND_FAIR_TAKE_H_
#define MAILSUITE_SEND_FAIR_TAKE_H_

#include <deque>
#include <utility>

namespace ms::send {

// Pops the next item into *out: alternately from `fresh` and `retry` while
// both have work, else from whichever has.  *prefer_retry keeps the turn.
// False when both are empty.
template <typename Ref>
bool TakeFair(std::deque<Ref>& fresh, std::deque<Ref>& retry, bool* prefer_retry, Ref* out) {
  bool from_retry = retry.empty() ? false : fresh.empty() ? true : *prefer_retry;
  auto& q = from_retry ? retry : fresh;
  if (q.empty()) return false;
  *out = std::move(q.front());
  q.pop_front();
  *prefer_retry = !from_retry;
  return true;
}

}  // namespace ms::send

#endif  // MAILSUITE_SEND_FAIR_TAKE_H_
