#include "queue/qualify.h"

#include "control.h"

namespace ms::queue {

Result<QualifyConfig> ReadQualifyConfig() {
  Control control;
  auto me = control.Me();
  if (!me) return me.error();
  QualifyConfig c;
  for (auto [name, out] : {std::pair{"defaulthost", &c.default_host},
                           std::pair{"defaultdomain", &c.default_domain},
                           std::pair{"plusdomain", &c.plus_domain}}) {
    auto value = control.Line(name, *me);
    if (!value) return value.error();
    *out = std::move(*value);
  }
  return c;
}

std::string QualifyHost(std::string host, const QualifyConfig& config) {
  if (host.empty() || host.front() == '[') return host;
  if (host.back() == '+') {
    host.pop_back();
    return host + "." + config.plus_domain;
  }
  if (host.find('.') == std::string::npos) return host + "." + config.default_domain;
  return host;
}

std::string QualifyAddress(const std::string& address, const QualifyConfig& config) {
  size_t at = address.rfind('@');
  if (at == std::string::npos) return address + "@" + QualifyHost(config.default_host, config);
  return address.substr(0, at + 1) + QualifyHost(address.substr(at + 1), config);
}

}  // namespace ms::queue
