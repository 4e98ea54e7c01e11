#include "rblcheck/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace ms::rbl {

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

std::optional<IpAddress> ParseIp(std::string_view text) {
  IpAddress out;
  if (auto v4 = ParseIpv4(text)) {
    for (int i = 0; i < 4; ++i) out.bytes[i] = static_cast<uint8_t>(*v4 >> (24 - 8 * i));
    return out;
  }
  if (text.empty() || text.size() > 45 || text.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (inet_pton(AF_INET6, buf, out.bytes.data()) != 1) return std::nullopt;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(out.bytes.data(), kMapped, 12) == 0) {
    std::memmove(out.bytes.data(), out.bytes.data() + 12, 4);
    std::memset(out.bytes.data() + 4, 0, 12);
    return out;
  }
  out.v6 = true;
  return out;
}

std::string IpAddress::ToString() const {
  if (!v6) return FormatIpv4(V4());
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

namespace {

// ucspi-tcp's ip_init(): labels of the text in reverse order, each
// followed by a dot.
std::string ReverseLabels(std::string_view text) {
  std::string out;
  size_t i = text.size();
  while (i) {
    size_t j = i;
    while (j > 0 && text[j - 1] != '.') --j;
    out.append(text.substr(j, i - j));
    out.push_back('.');
    if (!j) break;
    i = j - 1;
  }
  return out;
}

}  // namespace

std::string ReversedPrefix(std::string_view remote_ip) {
  // A dotted quad is reversed as written, as the reference does.
  if (ParseIpv4(remote_ip)) return ReverseLabels(remote_ip);
  auto ip = ParseIp(remote_ip);
  if (!ip) return ReverseLabels(remote_ip);
  if (!ip->v6) return ReverseLabels(FormatIpv4(ip->V4()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (int i = 15; i >= 0; --i) {
    out.push_back(kHex[ip->bytes[i] & 15]);
    out.push_back('.');
    out.push_back(kHex[ip->bytes[i] >> 4]);
    out.push_back('.');
  }
  return out;
}

}  // namespace ms::rbl
