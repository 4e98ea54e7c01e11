#include "rblcheck/dnsbl_name.h"


namespace ms::rbl {

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (auto v4 = ParseIpv4(text)) return IpAddress::V4(*v4);
  if (text.empty() || text.size() > 45 || text.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  auto ip = IpAddress::Parse(text);
  if (!ip || !ip->v6) return std::nullopt;
  return ip->Unmapped();
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
  if (!ip->v6) return ReverseLabels(FormatIpv4(ip->V4Number()));
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
