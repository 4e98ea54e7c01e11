// An IPv4 or IPv6 address as DNS and connect(2) see it.
#ifndef MAILSUITE_REMOTE_IP_ADDRESS_H_
#define MAILSUITE_REMOTE_IP_ADDRESS_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ms::remote {

struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // IPv4 uses the first 4

  static IpAddress V4(const char* four);
  static IpAddress V6(const char* sixteen);
  // "1.2.3.4" or an IPv6 text form (inet_pton).
  static std::optional<IpAddress> Parse(std::string_view text);
  std::string ToString() const;
  // ::ffff:a.b.c.d as the IPv4 address it is; any other address unchanged.
  IpAddress Unmapped() const;
  bool operator==(const IpAddress& other) const = default;
};

// The addresses of this host's interfaces (getifaddrs), to recognise
// ourselves in an MX list.
std::vector<IpAddress> LocalAddresses();

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_IP_ADDRESS_H_
