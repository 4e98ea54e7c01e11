// One IPv4 or IPv6 address, as DNS, connect(2), bind(2), accept(2) and the
// protocols' texts see it: parsed from text, printed, to and from socket
// addresses.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is kept as
// given; Unmapped() turns it into the IPv4 address it stands for.
#ifndef MAILSUITE_LIB_IP_ADDRESS_H_
#define MAILSUITE_LIB_IP_ADDRESS_H_

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ms {

struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4 uses the first 4

  static IpAddress V4(const char* four);
  static IpAddress V4(uint32_t host_order);
  static IpAddress V6(const char* sixteen);
  // inet_pton's forms: "1.2.3.4" (no leading zeros) or IPv6 text.
  static std::optional<IpAddress> Parse(std::string_view text);
  // The address of an AF_INET/AF_INET6 socket address, and its port.
  static std::optional<IpAddress> FromSockaddr(const sockaddr_storage& address, uint16_t* port = nullptr);

  // The IPv4 address as a number (host order); 0 for IPv6.
  uint32_t V4Number() const;
  bool IsV4Mapped() const;
  // ::ffff:a.b.c.d as the IPv4 address it is; any other address unchanged.
  IpAddress Unmapped() const;
  // inet_ntop's text ("1.2.3.4", "2001:db8::1").
  std::string ToString() const;
  // This address and port as a socket address; returns its length.
  socklen_t ToSockaddr(uint16_t port, sockaddr_storage* out) const;
  bool operator==(const IpAddress& other) const = default;
};

// A dotted quad of four decimal octets of one to three digits each
// (leading zeros allowed, nothing else around it), as a host-order number.
std::optional<uint32_t> ParseIpv4(std::string_view text);
std::string FormatIpv4(uint32_t ip);

// The addresses of this host's interfaces (getifaddrs).
std::vector<IpAddress> LocalAddresses();

}  // namespace ms

#endif  // MAILSUITE_LIB_IP_ADDRESS_H_
