// DNS for mailsuite-remote through lib/dns (libowfat's dns_transmit, so
// DNSCACHEIP is honoured as everywhere in the suite), with our own overall
// deadline instead of djbdns' 1+3+11+45 s retry ladder, and CNAME chains
// followed.
//
// Results are three-valued, because the difference decides between a
// bounce and a retry: kOk (possibly with no records: the name exists
// without that type), kNxDomain (the name does not exist: permanent),
// kTemporary (timeout, every server failed, no configured resolver,
// malformed packet, CNAME loop).  A truncated UDP answer is retried over
// TCP by libowfat.
#ifndef MAILSUITE_REMOTE_RESOLVER_H_
#define MAILSUITE_REMOTE_RESOLVER_H_

#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "dns_lookup.h"
#include "ip_address.h"

namespace ms::remote {

enum class DnsStatus { kOk, kNxDomain, kTemporary };

struct MxRecord {
  unsigned preference = 0;
  std::string name;          // dotted, lower case, no final dot; "" = root (null MX)
};

struct MxAnswer {
  DnsStatus status = DnsStatus::kTemporary;
  std::vector<MxRecord> records;
  std::string error;         // why, when not kOk
};

struct AddressAnswer {
  DnsStatus status = DnsStatus::kTemporary;
  std::vector<IpAddress> addresses;
  std::string error;
};

class Resolver {
 public:
  // Every single query gives up after timeout_ms.
  explicit Resolver(int timeout_ms);
  MxAnswer Mx(std::string_view name);
  // A then AAAA (kOk when either exists; kTemporary only when one of the
  // two failed temporarily and the other found nothing).
  AddressAnswer Addresses(std::string_view name);

 private:
  // Queries name for type, following CNAMEs (in the answer or by asking
  // again); calls take(records) for the end of the chain.
  template <typename Take>
  DnsStatus Follow(std::string_view name, dns::Type type, std::string* error, Take take);

  int timeout_ms_;
};

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_RESOLVER_H_
