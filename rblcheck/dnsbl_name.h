// Client addresses as DNSBLs list them, and the DNSBL query names built
// from them.  The address type itself is lib/ip_address.h.
#ifndef MAILSUITE_RBLCHECK_DNSBL_NAME_H_
#define MAILSUITE_RBLCHECK_DNSBL_NAME_H_

#include <optional>
#include <string>
#include <string_view>

#include "ip_address.h"

namespace ms::rbl {

// IPv4 or IPv6 text; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
// returned as the IPv4 address, which is what DNSBLs list.
std::optional<IpAddress> ParseIp(std::string_view text);

// The reversed prefix of a DNSBL name, ending in a dot: "4.3.2.1." for
// 1.2.3.4, 32 nibbles for IPv6.  Text that is not an address is reversed
// label by label exactly as ucspi-tcp's rblsmtpd does ("" stays "").
std::string ReversedPrefix(std::string_view remote_ip);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_DNSBL_NAME_H_
