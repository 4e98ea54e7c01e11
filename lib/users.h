// The users database for virtual mailboxes (control/USERS.md):
//
//   address:uid:gid:home:hash:quota
//
// One line per user; '#' comment lines and blank lines are ignored.  The
// domain of the address is matched case-insensitively, the local part
// exactly (RFC 5321).  File: ms::UsersFile() (/etc/mailsuite/users,
// MAILSUITE_USERS).  Read by mailsuite-checkpassword and the local
// delivery spawner; written only by mailsuite-users.
#ifndef MAILSUITE_LIB_USERS_H_
#define MAILSUITE_LIB_USERS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms {

inline constexpr size_t kMaxUserLine = 4096;

// A Maildir++ quota: "<bytes>S,<count>C", either part optional (a bare
// number means bytes); 0 means that part has no limit.  An empty quota field means "none set" (the
// deliverer then uses control/defaultquota).
struct Quota {
  uint64_t bytes = 0;
  uint64_t count = 0;
  bool set = false;
};

Result<Quota> ParseQuota(std::string_view text);
// "" when !set; otherwise the Maildir++ form of the parts that are > 0.
std::string FormatQuota(const Quota& quota);

struct UserEntry {
  std::string address;  // local@domain, domain lower-cased
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;     // absolute path
  std::string hash;     // crypt(3) output; not starting with '$' ("", "x", "!...", "*..."): no login
  Quota quota;

  bool CanLogIn() const { return !hash.empty() && hash.front() == '$'; }
};

// The address as stored and compared: domain lower case, local part kept.
// Error unless it is an unquoted local@domain mailbox (no ':' inside).
Result<std::string> NormalizeUserAddress(std::string_view address);

// One line without its '\n'.  The Error says which field is wrong.
Result<UserEntry> ParseUserLine(std::string_view line);
std::string FormatUserLine(const UserEntry& entry);  // with '\n'

struct UsersParseError {
  size_t line = 0;  // 1-based
  std::string message;
};

struct UsersDb {
  std::vector<UserEntry> entries;
  std::vector<UsersParseError> errors;  // malformed lines, skipped
  // The first entry for address (normalised as above), or nullptr.
  const UserEntry* Find(std::string_view address) const;
};

UsersDb ParseUsers(std::string_view text);

// Looks address up in the file at path without building the whole table.
// nullopt: no such user (or the file does not exist).  Error: the file
// cannot be read, or the line for this address is malformed (a temporary
// failure for the caller: the operator must fix it).
Result<std::optional<UserEntry>> LookupUser(const std::string& path, std::string_view address);

}  // namespace ms

#endif  // MAILSUITE_LIB_USERS_H_
