// The DNS of an SPF evaluation (spf.h's Resolver) over lib/dns_lookup:
// libowfat's dns_transmit, $DNSCACHEIP else /etc/resolv.conf.
#ifndef MAILSUITE_LIB_SPF_DNS_H_
#define MAILSUITE_LIB_SPF_DNS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "deadline.h"
#include "spf.h"

namespace ms::spf {

// The real DNS: each query bounded by the per-query timeout and all of
// them by the deadline (then kTemporary).  Answers are cached for the
// life of the object (one evaluation), as section 4.6.4 allows.
class DnsResolver : public Resolver {
 public:
  DnsResolver(int64_t query_timeout_ms, Deadline deadline);
  Answer Query(std::string_view name, dns::Type type) override;

 private:
  int64_t query_timeout_ms_;
  Deadline deadline_;
  std::map<std::pair<std::string, int>, Answer> cache_;
};

}  // namespace ms::spf

#endif  // MAILSUITE_LIB_SPF_DNS_H_
