#include "send/recipient_lookup.h"

#include <sys/stat.h>

#include "fd.h"
#include "log.h"
#include "send/route.h"

namespace ms::send {

namespace {

const char kNoMailbox[] = "Sorry, no mailbox here by that name. (#5.1.1)";

}  // namespace

std::string RefuseAccount(uid_t uid, gid_t gid, const std::string& home,
                          const AccountLookup& accounts) {
  if (uid == 0) return "uid 0";
  if (gid == 0) return "gid 0";
  if (uid < kFirstUserId) return "system uid " + std::to_string(uid);
  if (gid < kFirstUserId) return "system gid " + std::to_string(gid);
  if (!accounts.owns_home(home, uid)) return "home " + home + " not owned by uid " + std::to_string(uid);
  return "";
}

RecipientLookup::RecipientLookup(std::string users_file, std::string default_delivery,
                                 bool check_accounts, AccountLookup accounts)
    : users_file_(std::move(users_file)), default_delivery_(std::move(default_delivery)),
      check_accounts_(check_accounts), accounts_(std::move(accounts)) {}

void RecipientLookup::ReloadUsersIfChanged() {
  struct stat st;
  int64_t mtime = -2;  // "missing"
  if (::stat(users_file_.c_str(), &st) == 0)
    mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (mtime == users_mtime_ns_) return;
  users_mtime_ns_ = mtime;
  users_.clear();
  users_problem_.clear();
  if (mtime == -2) return;
  auto text = ReadFile(users_file_);
  if (!text) {
    LogLine("alert").Add("what", "users").Add("reason", text.error().message).Emit();
    users_problem_ = "Unable to read the users database. (#4.3.0)";
    users_mtime_ns_ = -1;  // try again next time
    return;
  }
  size_t malformed = 0;
  users_ = ParseUsersDatabase(*text, &malformed);
  if (malformed > 0) {
    LogLine("alert").Add("what", "users").Add("reason", users_file_ + " has malformed lines")
        .Add("lines", malformed).Emit();
    users_problem_ = "The users database has malformed lines; not bouncing. (#4.3.0)";
  }
}

Resolution RecipientLookup::Resolve(const RecipientRequest& request) {
  ReloadUsersIfChanged();
  Route route;
  route.channel = Channel::kLocal;
  route.local = request.local;
  route.original_local = request.original_local;
  route.domain = request.domain;
  route.address = request.local + "@" + request.domain;
  std::string skipped;
  auto target = FindLocalTarget(route, users_, accounts_, &skipped);
  Resolution r;
  r.refused = skipped;
  if (!target) {
    // A broken users database must not turn into bounces: the mailbox may
    // be on one of its bad lines.
    r.exit_code = users_problem_.empty() ? 100 : 111;
    r.reason = users_problem_.empty() ? kNoMailbox : users_problem_;
    return r;
  }
  if (check_accounts_) {
    std::string why = RefuseAccount(target->uid, target->gid, target->home, accounts_);
    if (!why.empty()) {
      r.refused = target->user + ": " + why;
      if (target->from_users_db) {
        // The operator's entry breaks a rule: hold the mail until it is fixed.
        r.exit_code = 111;
        r.reason = "Refusing to deliver as " + why + " (users database). (#4.3.0)";
      } else {
        // A system account is no mailbox (as qmail-getpw treats uid 0).
        r.exit_code = 100;
        r.reason = kNoMailbox;
      }
      return r;
    }
  }
  SpawnRequest s;
  s.job = request.job;
  s.uid = target->uid;
  s.gid = target->gid;
  s.quota = target->quota;
  s.args = {target->user, target->home, target->local, target->dash, target->ext,
            target->domain, request.sender, default_delivery_};
  r.request = std::move(s);
  return r;
}

}  // namespace ms::send
