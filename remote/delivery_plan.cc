#include "remote/delivery_plan.h"

#include <algorithm>

#include "address.h"

namespace ms::remote {

namespace {

Plan Permanent(std::string error) { return Plan{Plan::kPermanent, {}, std::move(error)}; }
Plan Temporary(std::string error) { return Plan{Plan::kTemporary, {}, std::move(error)}; }

void AddTargets(const std::string& host, const std::vector<IpAddress>& addresses, uint16_t port,
                Plan* plan) {
  for (const IpAddress& ip : addresses) plan->targets.push_back(Target{host, ip, port});
}

// A literal "[1.2.3.4]" / "[IPv6:...]" destination or relay.
Plan LiteralPlan(std::string_view literal, uint16_t port) {
  auto inside = LiteralInside(literal);
  auto ip = inside ? IpAddress::Parse(*inside) : std::nullopt;
  if (!ip) return Permanent("Sorry, " + std::string(literal) + " is not a valid address literal. (#5.1.2)");
  Plan plan{Plan::kTargets, {}, {}};
  plan.targets.push_back(Target{std::string(literal), *ip, port});
  return plan;
}

// The smtproutes relay: "[1.2.3.4]" or "[IPv6:...]" (a literal), a bare
// IPv4 address (an address, never a name to look up: qmail's dns_ip takes
// both forms, and ":1.2.3.4", a smarthost for everything, is the most
// common route of all), or a host name (its A/AAAA records).
Plan RelayPlan(const Route& route, Resolver& resolver) {
  if (route.relay.front() == '[') return LiteralPlan(route.relay, route.port);
  if (auto ip = IpAddress::Parse(route.relay); ip && !ip->v6) {
    Plan plan{Plan::kTargets, {}, {}};
    plan.targets.push_back(Target{route.relay, *ip, route.port});
    return plan;
  }
  AddressAnswer a = resolver.Addresses(route.relay);
  // A broken smtproutes relay is the operator's to fix: defer, never bounce.
  if (a.status != DnsStatus::kOk || a.addresses.empty()) {
    return Temporary("Unable to find an address for the smtproutes relay " + route.relay + ": " +
                     (a.error.empty() ? "no A/AAAA record" : a.error) + ". (#4.4.3)");
  }
  Plan plan{Plan::kTargets, {}, {}};
  AddTargets(route.relay, a.addresses, route.port, &plan);
  return plan;
}

Plan LoopsBack(std::string_view host) {
  return Permanent("Mail for " + std::string(host) +
                   " loops back to myself: this host is its best MX and the domain is not local. (#5.4.6)");
}

Plan AddressPlan(std::string_view host, Resolver& resolver, const SelfIdentity& self) {
  AddressAnswer a = resolver.Addresses(host);
  if (a.status == DnsStatus::kTemporary) {
    return Temporary("Temporary DNS failure looking up " + std::string(host) + ": " + a.error + ". (#4.4.3)");
  }
  if (a.addresses.empty()) {
    return Permanent("Sorry, I couldn't find a mail exchanger or IP address for " + std::string(host) +
                     ". (#5.4.4)");
  }
  if (self.IsSelf(host, a.addresses)) return LoopsBack(host);
  Plan plan{Plan::kTargets, {}, {}};
  AddTargets(std::string(host), a.addresses, 25, &plan);
  return plan;
}

}  // namespace

bool SelfIdentity::IsSelf(std::string_view name, const std::vector<IpAddress>& host_addresses) const {
  if (!me.empty() && LowerCase(name) == me) return true;
  if (load_local_addresses && addresses.empty()) addresses = LocalAddresses();
  for (const IpAddress& a : host_addresses) {
    IpAddress plain = a.Unmapped();
    for (const IpAddress& mine : addresses) {
      if (mine.Unmapped() == plain) return true;
    }
  }
  return false;
}

std::vector<MxRecord> OrderByPreference(std::vector<MxRecord> records, std::mt19937& rng) {
  std::shuffle(records.begin(), records.end(), rng);
  std::stable_sort(records.begin(), records.end(),
                   [](const MxRecord& a, const MxRecord& b) { return a.preference < b.preference; });
  return records;
}

bool IsNullMx(const std::vector<MxRecord>& records) {
  return records.size() == 1 && records[0].name.empty();
}

bool DropSelfAndLessPreferred(std::vector<ResolvedMx>* hosts, const SelfIdentity& self) {
  const ResolvedMx* first_self = nullptr;
  for (const ResolvedMx& h : *hosts) {
    if (self.IsSelf(h.mx.name, h.addresses) && (!first_self || h.mx.preference < first_self->mx.preference)) {
      first_self = &h;
    }
  }
  if (!first_self) return false;
  unsigned cut = first_self->mx.preference;
  std::erase_if(*hosts, [cut](const ResolvedMx& h) { return h.mx.preference >= cut; });
  return true;
}

Plan PlanDelivery(std::string_view host, const std::vector<RouteEntry>& routes, Resolver& resolver,
                  const SelfIdentity& self, std::mt19937& rng) {
  if (!host.empty() && host.front() == '[') return LiteralPlan(host, 25);
  if (auto route = FindRoute(routes, host); route && !route->relay.empty()) {
    return RelayPlan(*route, resolver);
  }
  MxAnswer mx = resolver.Mx(host);
  if (mx.status == DnsStatus::kTemporary) {
    return Temporary("Temporary DNS failure looking up MX for " + std::string(host) + ": " + mx.error + ". (#4.4.3)");
  }
  if (mx.status == DnsStatus::kNxDomain) {
    return Permanent("Sorry, I couldn't find any host named " + std::string(host) + ". (#5.1.2)");
  }
  if (IsNullMx(mx.records)) {
    return Permanent("Sorry, " + std::string(host) + " does not accept mail (null MX, RFC 7505). (#5.1.10)");
  }
  std::erase_if(mx.records, [](const MxRecord& r) { return r.name.empty(); });
  if (mx.records.empty()) return AddressPlan(host, resolver, self);

  std::vector<ResolvedMx> hosts;
  for (MxRecord& r : OrderByPreference(std::move(mx.records), rng)) {
    AddressAnswer a = resolver.Addresses(r.name);
    hosts.push_back(ResolvedMx{std::move(r), a.status, std::move(a.addresses), std::move(a.error)});
  }
  if (DropSelfAndLessPreferred(&hosts, self) && hosts.empty()) return LoopsBack(host);

  Plan plan{Plan::kTargets, {}, {}};
  std::string temporary;
  for (const ResolvedMx& h : hosts) {
    AddTargets(h.mx.name, h.addresses, 25, &plan);
    if (h.status == DnsStatus::kTemporary && temporary.empty()) {
      temporary = "Temporary DNS failure looking up " + h.mx.name + ": " + h.error + ". (#4.4.3)";
    }
  }
  if (!plan.targets.empty()) return plan;
  if (!temporary.empty()) return Temporary(temporary);
  return Permanent("Sorry, no mail exchanger of " + std::string(host) + " has an IP address. (#5.4.4)");
}

}  // namespace ms::remote
