#include "quota_source.h"

#include <strings.h>

#include <cerrno>
#include <cstdlib>

#include "control.h"
#include "fd.h"
#include "paths.h"

namespace ms::local {
namespace {

bool EqualNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

Result<QuotaSpec> Parsed(std::string_view text, std::string_view where) {
  auto spec = ParseQuotaSpec(text);
  if (!spec.ok()) return MakeError("Unable to read quota from " + std::string(where) + ": " + spec.error().message + ". (#4.3.0)", 111);
  return spec;
}

}  // namespace

bool QuotaFromUsers(std::string_view text, std::string_view user, std::string_view address,
                    std::string* quota) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line[0] == '#') continue;
    std::string_view key = line.substr(0, line.find(':'));
    if (!EqualNoCase(key, address) && key != user) continue;
    // address:uid:gid:home:hash:quota — the quota is the sixth field.
    std::string_view rest = line;
    for (int field = 0; field < 5; ++field) {
      size_t colon = rest.find(':');
      if (colon == std::string_view::npos) return false;
      rest.remove_prefix(colon + 1);
    }
    *quota = std::string(rest.substr(0, rest.find(':')));
    return true;
  }
  return false;
}

Result<QuotaSpec> QuotaFor(const std::string& user, const std::string& address) {
  if (const char* env = ::getenv("MAILSUITE_QUOTA"); env != nullptr) return Parsed(env, "$MAILSUITE_QUOTA");
  auto users = ReadFile(UsersFile());
  if (users.ok()) {
    std::string quota;
    if (QuotaFromUsers(*users, user, address, &quota)) return Parsed(quota, "the users database");
  }
  // A users file we may not read (or none) is not an error: the
  // spawner passes the quota when it matters.
  auto value = Control().Line("defaultquota", "0");
  if (!value.ok()) return MakeError("Unable to read control/defaultquota: " + value.error().message + ". (#4.3.0)", 111);
  return Parsed(*value, "control/defaultquota");
}

}  // namespace ms::local
