#include "send/config.h"

#include "utf8_address.h"

#include "address.h"

namespace ms::send {

std::vector<VirtualDomain> ParseVirtualDomains(const std::vector<std::string>& lines) {
  std::vector<VirtualDomain> out;
  for (const auto& line : lines) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    // An internationalised domain is kept in its A-label form, the form
    // RouteRecipient looks it up in (lib/utf8_address.h).
    out.push_back({LowerCase(ComparableAddress(std::string_view(line).substr(0, colon))),
                   line.substr(colon + 1)});
  }
  return out;
}

namespace {

std::vector<std::string> Lowered(std::vector<std::string> values) {
  for (auto& v : values) v = LowerCase(v);
  return values;
}

}  // namespace

Result<SendConfig> LoadSendConfig(const Control& control) {
  SendConfig c;
  auto me = control.Me();
  if (!me) return me.error();
  c.me = *me;
  // Every read below may fail only on an unreadable file; the first error
  // wins and names the file.
  FirstError errors;
  auto line = [&](std::string_view name, std::string_view fallback) {
    return errors.Take(control.Line(name, fallback), std::string(fallback));
  };
  auto lines = [&](std::string_view name, std::vector<std::string> fallback) {
    std::vector<std::string> v = errors.Take(control.Lines(name), fallback);
    // qmail: a missing (or empty) locals means `me`.
    return v.empty() ? fallback : v;
  };
  auto number = [&](std::string_view name, long fallback, long min, long max) {
    return errors.Take(control.Number(name, fallback, min, max), fallback);
  };
  c.locals = Lowered(lines("locals", {c.me}));
  for (auto& d : c.locals) d = ComparableDomain(d);  // IDN: A-labels, as RouteRecipient compares
  c.virtualdomains = ParseVirtualDomains(lines("virtualdomains", {}));
  c.percenthack = Lowered(lines("percenthack", {}));
  c.envnoathost = LowerCase(line("envnoathost", c.me));
  c.bouncefrom = line("bouncefrom", "MAILER-DAEMON");
  c.bouncehost = line("bouncehost", c.me);
  c.doublebounceto = line("doublebounceto", "postmaster");
  c.doublebouncehost = line("doublebouncehost", c.me);
  // At most kMaxConcurrency: each running delivery has one reply in
  // flight on its spawner's socket, and that many always fit in the
  // socket buffer (SPAWNER.md), so neither side can block on the other.
  c.concurrencylocal = number("concurrencylocal", 10, 1, kMaxConcurrency);
  c.concurrencyremote = number("concurrencyremote", 20, 1, kMaxConcurrency);
  c.queuelifetime = number("queuelifetime", 604800, 0, 100L * 365 * 86400);
  c.dsndelay = number("dsndelay", 14400, 0, 100L * 365 * 86400);
  c.queuescan = number("queuescan", 300, 1, 86400);
  c.retrylocal = number("retrylocal", 10, 1, 3600);
  c.retryremote = number("retryremote", 20, 1, 3600);
  if (errors.failed()) return errors.error();
  return c;
}

}  // namespace ms::send
