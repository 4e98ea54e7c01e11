#include "local/quota_source.h"

#include <cerrno>
#include <cstdlib>

#include "control.h"
#include "fd.h"
#include "paths.h"
#include "users.h"

namespace ms::local {
namespace {

Result<QuotaSpec> Parsed(std::string_view text, std::string_view where) {
  auto spec = ParseQuotaSpec(text);
  if (!spec.ok()) return MakeError("Unable to read quota from " + std::string(where) + ": " + spec.error().message + ". (#4.3.0)", 111);
  return spec;
}

}  // namespace

Result<QuotaSpec> QuotaFor(const std::string& user, const std::string& address) {
  // Empty means "the entry sets none": the default applies.
  if (const char* env = ::getenv("MAILSUITE_QUOTA"); env != nullptr && *env != '\0')
    return Parsed(env, "$MAILSUITE_QUOTA");
  for (const std::string& key : {address, user}) {
    auto entry = LookupUser(UsersFile(), key);
    if (!entry.ok()) {
      // A users file we may not read is not an error: the spawner
      // passes the quota when it matters.  A broken line for this user is.
      if (entry.error().code == EACCES) break;
      return MakeError("Unable to read the users database: " + entry.error().message + ". (#4.3.0)", 111);
    }
    if (entry->has_value()) {
      const Quota& q = (*entry)->quota;
      if (q.set) return QuotaSpec{q.bytes, q.count};
      break;  // no quota of its own: the default applies
    }
  }
  auto value = Control().Line("defaultquota", "0");
  if (!value.ok()) return MakeError("Unable to read control/defaultquota: " + value.error().message + ". (#4.3.0)", 111);
  return Parsed(*value, "control/defaultquota");
}

}  // namespace ms::local
