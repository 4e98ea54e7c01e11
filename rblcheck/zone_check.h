// One DNSBL zone asked about one name: starts its lookups on a shared
// dns::Lookups at once and turns the answers into a ZoneOutcome when
// asked (so all zones run in parallel and are judged in option order).
#ifndef MAILSUITE_RBLCHECK_ZONE_CHECK_H_
#define MAILSUITE_RBLCHECK_ZONE_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "deadline.h"
#include "dns_lookup.h"
#include "rblcheck/rbl_policy.h"

namespace ms::rbl {

// The overall bound on one lookup, in milliseconds: $MAILSUITE_DNS_TIMEOUT
// (seconds, decimals allowed) or 10 s.  The reference has none (djbdns
// gives up after 60 s per server).
int64_t LookupTimeoutMs();

class ZoneCheck {
 public:
  // prefix: the reversed address with its trailing dot ("4.3.2.1.") or a
  // domain followed by a dot.
  ZoneCheck(dns::Lookups* lookups, std::string_view prefix, const ZoneOption& zone);
  ZoneOutcome Outcome(const Deadline& deadline);
  // The A record that listed (range zones) or anti-listed, when one did.
  std::optional<uint32_t> code() const { return code_; }
  const std::string& name() const { return name_; }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  dns::Lookups* lookups_;
  const ZoneOption& zone_;
  std::string name_;
  size_t txt_ = kNone;
  size_t a_ = kNone;
  bool literal_listed_ = false;  // an all-digit name, read locally as djbdns dns_ip4 does
  std::optional<uint32_t> code_;
};

// djbdns dns_ip4 answers a name made only of digits, dots and brackets
// itself (one byte per dotted number); true when that yields an address.
bool LiteralNameHasAddress(std::string_view name);
bool IsLiteralName(std::string_view name);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_ZONE_CHECK_H_
