// mailsuite-tcpserver's per-client bookkeeping (issue 22): how many
// sessions each client address holds (control/maxperip) and how fast it
// connects (control/ratelimit), both keyed by the IPv4 address or the
// IPv6 /64 (one customer's allocation), and whether the server is under
// stress (more than 80 % of -c in use: control/timeoutstress).  Pure
// bookkeeping, no I/O: tcp_listener.cc acts on the verdicts.
#ifndef MAILSUITE_TCPSERVER_CLIENT_LIMITS_H_
#define MAILSUITE_TCPSERVER_CLIENT_LIMITS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ip_address.h"

namespace ms::smtpd {

// The unit a client is counted by: the IPv4 address (an IPv4-mapped IPv6
// address counts as its IPv4 address) or the first 64 bits of an IPv6
// address.  Printable ("127.0.0.2", "2001:db8:1:2::/64") for the log.
std::string ClientKey(const IpAddress& address);

enum class Admission { kAdmit, kTooManySessions, kTooFast };

class ClientLimits {
 public:
  // max_sessions 0: no per-client limit; per_minute 0: no rate limit.
  ClientLimits(unsigned max_sessions, unsigned per_minute)
      : max_sessions_(max_sessions), per_minute_(per_minute) {}

  // Whether a new connection from key may have a session.  Admitting
  // spends one of its rate tokens; a refusal spends nothing.
  Admission Admit(const std::string& key, int64_t now_ms);
  // The session of an admitted connection started (pid) and ended.
  void Started(pid_t pid, const std::string& key);
  void Ended(pid_t pid);

  unsigned SessionsOf(const std::string& key) const;
  std::vector<pid_t> SessionPids() const;
  size_t sessions() const { return session_key_.size(); }
  size_t rate_entries() const { return buckets_.size(); }

 private:
  // A token bucket per key: per_minute_ tokens at most, refilled at
  // per_minute_ a minute; a burst of per_minute_ is allowed.
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  void Refill(Bucket* bucket, int64_t now_ms) const;
  void PruneFullBuckets(int64_t now_ms);

  unsigned max_sessions_;
  unsigned per_minute_;
  std::unordered_map<pid_t, std::string> session_key_;
  std::unordered_map<std::string, unsigned> sessions_per_key_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t last_prune_ms_ = 0;
};

// Stress mode with hysteresis, so that a server sitting at the threshold
// does not flip on every connection: on when more than 80 % of limit
// sessions are in use, off again at 70 % or less.  Update returns true
// when the mode changed.
class StressMeter {
 public:
  explicit StressMeter(unsigned limit) : limit_(limit) {}
  bool Update(unsigned sessions);
  bool on() const { return on_; }

 private:
  unsigned limit_;
  bool on_ = false;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_CLIENT_LIMITS_H_
