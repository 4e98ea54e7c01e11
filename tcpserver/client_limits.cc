#include "tcpserver/client_limits.h"

#include <algorithm>

namespace ms::smtpd {

namespace {

// A bucket untouched for a minute is full again: forgetting it changes
// nothing.  Pruning runs at most once a minute, so the map holds the keys
// of about the last minute and a flood of addresses cannot grow it for
// longer.
constexpr int64_t kRefillMs = 60000;

}  // namespace

std::string ClientKey(const IpAddress& address) {
  IpAddress a = address.Unmapped();
  if (!a.v6) return a.ToString();
  IpAddress prefix = a;
  std::fill(prefix.bytes.begin() + 8, prefix.bytes.end(), 0);
  return prefix.ToString() + "/64";
}

void ClientLimits::Refill(Bucket* bucket, int64_t now_ms) const {
  if (now_ms <= bucket->at_ms) return;
  double gained = static_cast<double>(now_ms - bucket->at_ms) * per_minute_ / kRefillMs;
  bucket->tokens = std::min<double>(per_minute_, bucket->tokens + gained);
  bucket->at_ms = now_ms;
}

void ClientLimits::PruneFullBuckets(int64_t now_ms) {
  if (now_ms - last_prune_ms_ < kRefillMs) return;
  last_prune_ms_ = now_ms;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (now_ms - it->second.at_ms >= kRefillMs) it = buckets_.erase(it);
    else ++it;
  }
}

Admission ClientLimits::Admit(const std::string& key, int64_t now_ms) {
  if (max_sessions_ > 0 && SessionsOf(key) >= max_sessions_) return Admission::kTooManySessions;
  if (per_minute_ == 0) return Admission::kAdmit;
  PruneFullBuckets(now_ms);
  auto [it, added] = buckets_.try_emplace(key, Bucket{static_cast<double>(per_minute_), now_ms});
  Bucket& bucket = it->second;
  if (!added) Refill(&bucket, now_ms);
  if (bucket.tokens < 1.0) return Admission::kTooFast;
  bucket.tokens -= 1.0;
  return Admission::kAdmit;
}

void ClientLimits::Started(pid_t pid, const std::string& key) {
  if (session_key_.emplace(pid, key).second) ++sessions_per_key_[key];
}

void ClientLimits::Ended(pid_t pid) {
  auto it = session_key_.find(pid);
  if (it == session_key_.end()) return;
  auto count = sessions_per_key_.find(it->second);
  if (count != sessions_per_key_.end() && --count->second == 0) sessions_per_key_.erase(count);
  session_key_.erase(it);
}

unsigned ClientLimits::SessionsOf(const std::string& key) const {
  auto it = sessions_per_key_.find(key);
  return it == sessions_per_key_.end() ? 0 : it->second;
}

std::vector<pid_t> ClientLimits::SessionPids() const {
  std::vector<pid_t> pids;
  pids.reserve(session_key_.size());
  for (const auto& entry : session_key_) pids.push_back(entry.first);
  return pids;
}

bool StressMeter::Update(unsigned sessions) {
  // Integer arithmetic: sessions > 0.8 limit, sessions <= 0.7 limit.
  bool on = on_ ? sessions * 10ull > limit_ * 7ull : sessions * 5ull > limit_ * 4ull;
  if (on == on_) return false;
  on_ = on;
  return true;
}

}  // namespace ms::smtpd
