// Where a recipient's quota comes from, first match wins:
//   1. $MAILSUITE_QUOTA, set by send's root spawner (which can read the
//      users database; the recipient usually cannot, as it holds
//      password hashes);
//   2. the users database (ms::UsersFile(), lines
//      address:uid:gid:home:hash:quota) entry for local@domain or user;
//   3. control/defaultquota;
//   4. none.
// A quota that does not parse is a temporary error: mail waits for the
// administrator instead of ignoring the limit.
#ifndef MAILSUITE_LOCAL_QUOTA_SOURCE_H_
#define MAILSUITE_LOCAL_QUOTA_SOURCE_H_

#include <string>
#include <string_view>

#include "quota.h"
#include "result.h"

namespace ms::local {

Result<QuotaSpec> QuotaFor(const std::string& user, const std::string& address);

// The quota field of the users-database line for address or user, if any.
// text: the database's contents.
bool QuotaFromUsers(std::string_view text, std::string_view user, std::string_view address,
                    std::string* quota);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_QUOTA_SOURCE_H_
