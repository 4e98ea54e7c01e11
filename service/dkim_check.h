// mailsuite-check's DKIM lines: for each control/dkimkeys entry, whether
// msremote (the signer) can read the key, whether it is a key, and
// whether the record published at selector._domainkey.domain (when DNS
// answers) holds its public key.  `*` entries get the file checks only.
#ifndef MAILSUITE_SERVICE_DKIM_CHECK_H_
#define MAILSUITE_SERVICE_DKIM_CHECK_H_

#include <vector>

#include "service/health.h"

namespace ms::setup {

std::vector<Verdict> CheckDkimKeys(const HealthOptions& options);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_DKIM_CHECK_H_
