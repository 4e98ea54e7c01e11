// The local spawner's own answer to "who is this recipient?" (issue 24):
// it runs as root, so it decides from its own lookups — the users
// database and passwd, read by itself — never from what the scheduler
// (user mailsuite) says, and it fixes the default delivery when it starts.
// As qmail-lspawn does with qmail-getpw and its own command line.
// Rules: send/SPAWNER.md "Who a recipient is".
#ifndef MAILSUITE_SEND_RECIPIENT_LOOKUP_H_
#define MAILSUITE_SEND_RECIPIENT_LOOKUP_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "send/local_user.h"
#include "send/recipient_request.h"
#include "send/spawner.h"

namespace ms::send {

// Accounts with a uid or gid below this are system accounts and never
// receive mail through the root spawner: Debian's FIRST_UID/FIRST_GID
// (/etc/adduser.conf).  nobody/nogroup (65534) are above it.
inline constexpr uid_t kFirstUserId = 1000;

// Why the root spawner must not become (uid, gid) with home `home`; ""
// when it may.  uid 0, gid 0, a uid or gid below kFirstUserId, a home that
// is not a directory owned by uid.
std::string RefuseAccount(uid_t uid, gid_t gid, const std::string& home,
                          const AccountLookup& accounts);

struct Resolution {
  std::optional<SpawnRequest> request;  // deliver this (uid, gid, quota, args)
  int exit_code = 0;                    // otherwise: 100 no mailbox, 111 deferral
  std::string reason;                   // the deliverer's reason line
  std::string refused;                  // for the log: an account a rule refused
};

class RecipientLookup {
 public:
  // check_accounts: the spawner switches users (runs as root), so the
  // rules above apply; a spawner that runs as its invoker switches nothing.
  RecipientLookup(std::string users_file, std::string default_delivery, bool check_accounts,
                  AccountLookup accounts);
  Resolution Resolve(const RecipientRequest& request);

 private:
  void ReloadUsersIfChanged();

  std::string users_file_;
  std::string default_delivery_;
  bool check_accounts_;
  AccountLookup accounts_;
  std::map<std::string, VirtualUser> users_;
  int64_t users_mtime_ns_ = -1;
  // Why a recipient that matches nobody is deferred rather than bounced
  // (the users database is unreadable or has malformed lines); "" if not.
  std::string users_problem_;
};

}  // namespace ms::send

#endif  // MAILSUITE_SEND_RECIPIENT_LOOKUP_H_
