#include "tcpserver/tcp_rules.h"

#include "cdb_lookup.h"

namespace ms::smtpd {

std::vector<std::string> TcpRuleKeys(std::string_view ip) {
  std::vector<std::string> keys;
  keys.emplace_back(ip);
  const char separator = ip.find(':') != std::string_view::npos ? ':' : '.';
  // Prefixes that end in a separator, longest first; the whole address
  // itself (possible for an IPv6 "::") is already tried.
  for (size_t len = ip.size() - (ip.empty() ? 0 : 1); len > 0; --len) {
    if (ip[len - 1] == separator) keys.emplace_back(ip.substr(0, len));
  }
  if (!ip.empty()) keys.emplace_back();
  return keys;
}

TcpRule ParseTcpRule(std::string_view data) {
  TcpRule rule;
  for (size_t nul; (nul = data.find('\0')) != std::string_view::npos; data.remove_prefix(nul + 1)) {
    std::string_view field = data.substr(0, nul);
    if (field.empty()) continue;
    if (field.front() == 'D') {
      rule.deny = true;
    } else if (field.front() == '+') {
      size_t eq = field.find('=');
      if (eq == std::string_view::npos || eq == 1) continue;
      rule.environment.emplace_back(std::string(field.substr(1, eq - 1)), std::string(field.substr(eq + 1)));
    }
  }
  return rule;
}

Result<TcpRule> LookupTcpRule(int fd, const std::string& path, std::string_view ip) {
  for (const std::string& key : TcpRuleKeys(ip)) {
    auto records = CdbLookupFd(fd, path, key);
    if (!records) return records.error();
    if (!records->empty()) return ParseTcpRule(records->front());
  }
  return TcpRule{};
}

}  // namespace ms::smtpd
