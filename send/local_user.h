// Who a local recipient is: the mailsuite users database (virtual
// mailboxes) first, then system accounts the qmail-getpw way.
//
// Users database (lib/users.h, control/USERS.md): one line per mailbox,
// `address:uid:gid:home:hash:quota`.  A recipient local-EXT@domain
// matches the entry for local@domain with the extension EXT (longest entry
// wins), as qmail matches users with extensions; the local part is
// compared exactly first, then lower-cased (qmail-getpw folds case).
//
// System accounts (qmail-getpw): the local part, lower-cased, is tried as
// a user name, then each prefix ending before a '-' (longest first); the
// rest is the extension.  A user matches only if its uid is not 0 and its
// home directory exists and is owned by it.
#ifndef MAILSUITE_SEND_LOCAL_USER_H_
#define MAILSUITE_SEND_LOCAL_USER_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "send/route.h"

namespace ms::send {

struct LocalTarget {
  std::string user;  // account name, or the users-database address
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string local;  // mailsuite-local's `local` argument
  std::string dash;   // "" or "-"
  std::string ext;
  std::string domain;
  std::string quota;  // from the users database; "" for system accounts
  bool from_users_db = false;
};

struct VirtualUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  std::string quota;  // FormatQuota of the entry's quota, "" when none is set
};

// The users database as send needs it, keyed by address as lib/users.h
// normalises it (domain lower case).  *malformed counts skipped lines.
std::map<std::string, VirtualUser> ParseUsersDatabase(std::string_view text, size_t* malformed);

struct SystemAccount {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

struct AccountLookup {
  // getpwnam_r: nullopt when there is no such user.
  std::function<std::optional<SystemAccount>(const std::string&)> getpw;
  // Whether dir exists and is owned by uid.
  std::function<bool(const std::string& dir, uid_t uid)> owns_home;
};

// The real lookups (getpwnam_r, stat).
AccountLookup SystemAccountLookup();

// *skipped (when given) names the first system account passed over by the
// qmail-getpw rules (uid 0, home not owned), for the log.
std::optional<LocalTarget> FindLocalTarget(const Route& route,
                                           const std::map<std::string, VirtualUser>& users,
                                           const AccountLookup& accounts,
                                           std::string* skipped = nullptr);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_LOCAL_USER_H_
