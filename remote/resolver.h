// DNS for mailsuite-remote through libowfat's dns_transmit (so DNSCACHEIP
// is honoured as everywhere in the suite), with our own overall deadline
// instead of djbdns' 1+3+11+45 s retry ladder, and CNAME chains followed.
//
// Results are three-valued, because the difference decides between a
// bounce and a retry: kOk (possibly with no records: the name exists
// without that type), kNxDomain (the name does not exist: permanent),
// kTemporary (timeout, SERVFAIL — libowfat keeps waiting through those —,
// no configured resolver, malformed packet, CNAME loop).  A truncated UDP
// answer is retried over TCP by libowfat.
#ifndef MAILSUITE_REMOTE_RESOLVER_H_
#define MAILSUITE_REMOTE_RESOLVER_H_

#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
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
  struct Raw {
    DnsStatus status = DnsStatus::kTemporary;
    std::string packet;
    std::string error;
  };
  Raw Query(std::string_view name, const char qtype[2]);
  // Queries name for qtype, following CNAMEs (in the answer or by asking
  // again); calls take(packet, owner_name_in_wire_form) for the final one.
  template <typename Take>
  DnsStatus Follow(std::string_view name, const char qtype[2], std::string* error, Take take);

  int timeout_ms_;
};

// Packet parsing, exposed for tests.  The records of type qtype owned by
// name (wire form), after following CNAMEs inside the packet from name;
// *final_name gets the end of the chain (wire form).  False if malformed.
struct RawRecord {
  std::string rdata_name;    // MX exchange / CNAME target (wire form)
  unsigned preference = 0;   // MX
  std::string rdata;         // A / AAAA bytes
};
bool ParseAnswers(std::string_view packet, std::string_view name_wire, const char qtype[2],
                  std::vector<RawRecord>* records, std::string* final_name);
// Wire form <-> dotted text (lower case, no final dot).
std::string WireFromDotted(std::string_view dotted);
std::string DottedFromWire(std::string_view wire);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_RESOLVER_H_
