// Where a recipient's quota comes from, first match wins:
//   1. $MAILSUITE_QUOTA when not empty, set by send's root spawner from
//      the users-database entry (FormatQuota: "" when the entry has
//      none) — the recipient cannot read the database itself (0600,
//      password hashes);
//   2. the users database (lib/users.h) entry for local@domain, or for
//      user when that is an address; an entry with an empty quota field
//      falls through to the default;
//   3. control/defaultquota;
//   4. none.
// A quota that does not parse is a temporary error: mail waits for the
// administrator instead of ignoring the limit.
#ifndef MAILSUITE_LOCAL_QUOTA_SOURCE_H_
#define MAILSUITE_LOCAL_QUOTA_SOURCE_H_

#include <string>
#include <string_view>

#include "local/quota.h"
#include "result.h"

namespace ms::local {

Result<QuotaSpec> QuotaFor(const std::string& user, const std::string& address);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_QUOTA_SOURCE_H_
