// Completing addresses as qmail-inject does (control files defaulthost,
// defaultdomain, plusdomain, all defaulting to `me`):
//   user            -> user@defaulthost
//   user@host       -> user@host.defaultdomain      (a host without dots)
//   user@host+      -> user@host.plusdomain         (a host ending in '+')
//   user@a.b, user@[1.2.3.4]                         unchanged
// defaulthost itself is completed the same way.
#ifndef MAILSUITE_QUEUE_QUALIFY_H_
#define MAILSUITE_QUEUE_QUALIFY_H_

#include <string>

#include "result.h"

namespace ms::queue {

struct QualifyConfig {
  std::string default_host;
  std::string default_domain;
  std::string plus_domain;
};

// Reads the control files (Control() directory).
Result<QualifyConfig> ReadQualifyConfig();

std::string QualifyHost(std::string host, const QualifyConfig& config);
std::string QualifyAddress(const std::string& address, const QualifyConfig& config);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QUALIFY_H_
