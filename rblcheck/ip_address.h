// Client addresses and the DNSBL query names built from them.
#ifndef MAILSUITE_RBLCHECK_IP_ADDRESS_H_
#define MAILSUITE_RBLCHECK_IP_ADDRESS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ms::rbl {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  uint32_t V4() const {
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
           bytes[3];
  }
  std::string ToString() const;
};

// Strict dotted-quad IPv4 (four decimal octets, no leading junk).
std::optional<uint32_t> ParseIpv4(std::string_view text);
// IPv4 or IPv6 text; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
// returned as the IPv4 address, which is what DNSBLs list.
std::optional<IpAddress> ParseIp(std::string_view text);
std::string FormatIpv4(uint32_t ip);

// The reversed prefix of a DNSBL name, ending in a dot: "4.3.2.1." for
// 1.2.3.4, 32 nibbles for IPv6.  Text that is not an address is reversed
// label by label exactly as ucspi-tcp's rblsmtpd does ("" stays "").
std::string ReversedPrefix(std::string_view remote_ip);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_IP_ADDRESS_H_
