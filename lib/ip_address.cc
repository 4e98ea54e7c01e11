#include "ip_address.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>

namespace ms {

namespace {
constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

IpAddress IpAddress::V4(const char* four) {
  IpAddress a;
  std::memcpy(a.bytes.data(), four, 4);
  return a;
}

IpAddress IpAddress::V4(uint32_t host_order) {
  IpAddress a;
  for (int i = 0; i < 4; ++i) a.bytes[i] = static_cast<unsigned char>(host_order >> (24 - 8 * i));
  return a;
}

IpAddress IpAddress::V6(const char* sixteen) {
  IpAddress a;
  a.v6 = true;
  std::memcpy(a.bytes.data(), sixteen, 16);
  return a;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);  // NUL-terminated; an embedded NUL makes inet_pton fail
  if (s.size() != std::strlen(s.c_str())) return std::nullopt;
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr_storage& address, uint16_t* port) {
  if (address.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&address);
    if (port) *port = ntohs(a->sin6_port);
    return V6(reinterpret_cast<const char*>(&a->sin6_addr));
  }
  if (address.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&address);
    if (port) *port = ntohs(a->sin_port);
    return V4(reinterpret_cast<const char*>(&a->sin_addr));
  }
  return std::nullopt;
}

uint32_t IpAddress::V4Number() const {
  if (v6) return 0;
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3];
}

bool IpAddress::IsV4Mapped() const { return v6 && std::memcmp(bytes.data(), kMappedPrefix, 12) == 0; }

IpAddress IpAddress::Unmapped() const {
  if (!IsV4Mapped()) return *this;
  return V4(reinterpret_cast<const char*>(bytes.data() + 12));
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf)) return "?";
  return buf;
}

socklen_t IpAddress::ToSockaddr(uint16_t port, sockaddr_storage* out) const {
  *out = sockaddr_storage{};
  if (v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
    return sizeof *sin6;
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(out);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  std::memcpy(&sin->sin_addr, bytes.data(), 4);
  return sizeof *sin;
}

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  uint32_t ip = 0;
  size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    size_t start = pos;
    uint32_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++pos;
    }
    if (pos == start || value > 255) return std::nullopt;
    ip = (ip << 8) | value;
  }
  if (pos != text.size()) return std::nullopt;
  return ip;
}

std::string FormatIpv4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

std::vector<IpAddress> LocalAddresses() {
  std::vector<IpAddress> out;
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (struct ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    sockaddr_storage address{};
    if (i->ifa_addr->sa_family == AF_INET) {
      std::memcpy(&address, i->ifa_addr, sizeof(sockaddr_in));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      std::memcpy(&address, i->ifa_addr, sizeof(sockaddr_in6));
    } else {
      continue;
    }
    if (auto ip = IpAddress::FromSockaddr(address)) out.push_back(*ip);
  }
  freeifaddrs(list);
  return out;
}

}  // namespace ms
