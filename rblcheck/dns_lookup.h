// Many DNS lookups in flight at once over UDP (TCP when truncated), one
// poll(2) loop, no threads.  Servers come from $DNSCACHEIP or
// /etc/resolv.conf through libowfat's dns_resolvconfip (the djbdns
// convention).  Each query is retransmitted on djbdns's schedule (1, 3,
// 11, 45 s per server round) and gives up at the caller's deadline.
#ifndef MAILSUITE_RBLCHECK_DNS_LOOKUP_H_
#define MAILSUITE_RBLCHECK_DNS_LOOKUP_H_

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "rblcheck/dns_packet.h"

namespace ms::rbl {

struct LookupResult {
  enum class Status { kPending, kDone, kTemporaryFailure };
  Status status = Status::kPending;
  std::string txt;          // see Answer::txt
  std::vector<uint32_t> a;  // see Answer::a
};

struct DnsServer {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

// The servers named by $DNSCACHEIP, else /etc/resolv.conf, else 127.0.0.1.
std::vector<DnsServer> ConfiguredServers();

// The overall bound on one lookup, in milliseconds: $MAILSUITE_DNS_TIMEOUT
// (seconds, decimals allowed) or 10 s.  The reference has none (djbdns
// gives up after 60 s per server).
int64_t LookupTimeoutMs();

class ParallelResolver {
 public:
  explicit ParallelResolver(std::vector<DnsServer> servers);
  ~ParallelResolver();
  ParallelResolver(const ParallelResolver&) = delete;
  ParallelResolver& operator=(const ParallelResolver&) = delete;

  // Starts a lookup now; returns its index.  A name that cannot be
  // encoded fails at once (temporary failure, as the reference).
  size_t Start(std::string_view dotted_name, uint16_t qtype);
  // Drives every lookup until this one is finished or deadline passes;
  // then it counts as a temporary failure.
  const LookupResult& Wait(size_t index, const Deadline& deadline);
  const LookupResult& result(size_t index) const;

 private:
  struct Query;
  void Pump(const Deadline& deadline);
  std::vector<DnsServer> servers_;
  std::vector<std::unique_ptr<Query>> queries_;
};

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_DNS_LOOKUP_H_
