// control/smtproutes: artificial SMTP routes, qmail's format plus IPv6.
//
//   example.com:relay.example.net        mail for example.com goes to relay (its A/AAAA, port 25)
//   example.com:relay.example.net:2525   ... on port 2525
//   .example.com:[192.0.2.7]             subdomains of example.com to that address
//   example.com:192.0.2.7:2525           a bare IPv4 address is an address too (never looked up)
//   :192.0.2.7                           everything else to that smarthost
//   example.org:[2001:db8::25]:587       an IPv6 literal in brackets
//   example.net:                         example.net uses its MX records (overrides a default)
//   :smarthost.example.net               everything else (the empty domain is the default route)
//
// Lookup for a host h: the line for h itself; then ".d" for every suffix d
// of h, longest first; then the default.  Domains compare case-insensitively.
#ifndef MAILSUITE_REMOTE_SMTPROUTES_H_
#define MAILSUITE_REMOTE_SMTPROUTES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::remote {

struct Route {
  std::string relay;       // empty: use MX; "[addr]" for a literal; a bare IPv4; a host name
  uint16_t port = 25;
};

struct RouteEntry {
  std::string domain;      // lower case; "" default; ".x" subdomains of x
  Route route;
};

// Parses the lines of control/smtproutes (comments already removed).  A
// malformed line is an Error naming it: the operator meant something, and
// guessing could send mail to the wrong place.
Result<std::vector<RouteEntry>> ParseSmtpRoutes(const std::vector<std::string>& lines);

// The route for host, if any line applies.
std::optional<Route> FindRoute(const std::vector<RouteEntry>& routes, std::string_view host);

// Whether relay is an address literal "[...]", and the address inside.
std::optional<std::string> LiteralInside(std::string_view relay);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_SMTPROUTES_H_
