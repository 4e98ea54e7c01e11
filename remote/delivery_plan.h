// Where to connect, in order: smtproutes, then MX records (by preference,
// equal preferences shuffled, each host's A then AAAA addresses), then the
// domain's own A/AAAA when it has no MX.  Our own host in the MX list cuts
// the list: only more-preferred hosts remain (we are a backup MX and queue
// for them), and if none does, the mail would loop back to us — a bounce,
// as qmail and Postfix do.  "Ourselves" is an MX whose name equals
// control/me, or one of whose addresses is an address of this host's
// interfaces (getifaddrs).  control/locals is not consulted: a domain in
// locals never reaches mailsuite-remote.
#ifndef MAILSUITE_REMOTE_DELIVERY_PLAN_H_
#define MAILSUITE_REMOTE_DELIVERY_PLAN_H_

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "remote/resolver.h"
#include "ip_address.h"
#include "remote/smtproutes.h"

namespace ms::remote {

struct Target {
  std::string host;  // name for the texts (MX name, relay, or the literal)
  IpAddress ip;
  uint16_t port = 25;
};

struct Plan {
  enum Kind { kTargets, kTemporary, kPermanent } kind = kTemporary;
  std::vector<Target> targets;
  std::string error;  // kTemporary / kPermanent: why there is nowhere to go
};

struct SelfIdentity {
  std::string me;                            // control/me, lower case
  mutable std::vector<IpAddress> addresses;  // this host's addresses
  // Fill addresses from LocalAddresses() on first use: only MX delivery
  // needs them, and a routed delivery should not pay for getifaddrs.
  bool load_local_addresses = false;
  bool IsSelf(std::string_view name, const std::vector<IpAddress>& host_addresses) const;
};

struct ResolvedMx {
  MxRecord mx;
  DnsStatus status = DnsStatus::kOk;
  std::vector<IpAddress> addresses;
  std::string error;
};

// Sorted by preference, hosts of equal preference in random order.
std::vector<MxRecord> OrderByPreference(std::vector<MxRecord> records, std::mt19937& rng);
// RFC 7505: a single MX record "0 ." says the domain accepts no mail.
bool IsNullMx(const std::vector<MxRecord>& records);
// Removes our own host and every host not strictly more preferred than
// it.  True when we were in the list.
bool DropSelfAndLessPreferred(std::vector<ResolvedMx>* hosts, const SelfIdentity& self);

// The whole decision for one destination host (the recipients' domain).
Plan PlanDelivery(std::string_view host, const std::vector<RouteEntry>& routes, Resolver& resolver,
                  const SelfIdentity& self, std::mt19937& rng);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_DELIVERY_PLAN_H_
