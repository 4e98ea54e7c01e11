#include "pop3d/checkpassword_auth.h"

#include <pwd.h>
#include <shadow.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include "password.h"
#include "users.h"

namespace ms::checkpassword {

namespace {

Decision Bad(std::string reason) { return Decision{Verdict::kBadLogin, {}, std::move(reason)}; }
Decision Temporary(std::string reason) {
  return Decision{Verdict::kTemporary, {}, std::move(reason)};
}

// Spends one hash's time, so an unknown user answers as slowly as a known
// one with a wrong password.
Decision BadAfterDummyCheck(const Request& request, std::string reason) {
  CheckPassword(request.password, DummyHash());
  return Bad(std::move(reason));
}

// Maps a password check to a decision (account filled in on success).
Decision Judge(const Request& request, std::string_view hash, Account account) {
  switch (CheckPassword(request.password, hash)) {
    case PasswordCheck::kMatch:
      return Decision{Verdict::kOk, std::move(account), "ok"};
    case PasswordCheck::kBadHash:
      return Temporary("stored hash unusable by libcrypt");
    case PasswordCheck::kMismatch:
      break;
  }
  return Bad(hash.empty() || hash.front() != '$' ? "login disabled" : "wrong password");
}

Decision VirtualUser(const Request& request, const AuthOptions& options) {
  auto found = LookupUser(options.users_file, request.user);
  if (!found) return Temporary(found.error().message);
  if (!*found) return BadAfterDummyCheck(request, "unknown user");
  const UserEntry& e = **found;
  return Judge(request, e.hash, Account{e.address, e.uid, e.gid, e.home, "/usr/sbin/nologin", false});
}

bool Expired(const struct spwd* sp) {
  // sp_expire: days since the epoch; -1 never.
  return sp->sp_expire > 0 && time(nullptr) / 86400 >= sp->sp_expire;
}

Decision SystemUser(const Request& request) {
  errno = 0;
  struct passwd* pw = getpwnam(request.user.c_str());
  if (pw == nullptr) {
    if (errno != 0 && errno != ENOENT && errno != ESRCH)
      return Temporary(std::string("getpwnam: ") + std::strerror(errno));
    return BadAfterDummyCheck(request, "unknown user");
  }
  Account account{request.user, pw->pw_uid, pw->pw_gid, pw->pw_dir, pw->pw_shell, true};
  errno = 0;
  struct spwd* sp = getspnam(request.user.c_str());
  if (sp == nullptr) {
    if (errno == EACCES) return Temporary("cannot read the shadow file (not root)");
    return BadAfterDummyCheck(request, "no shadow entry");
  }
  if (Expired(sp)) return BadAfterDummyCheck(request, "account expired");
  return Judge(request, sp->sp_pwdp, std::move(account));
}

}  // namespace

Decision Authenticate(const Request& request, const AuthOptions& options) {
  if (request.user.empty() || request.user.size() > 255)
    return BadAfterDummyCheck(request, "malformed user name");
  if (request.user.find('@') != std::string::npos) return VirtualUser(request, options);
  if (options.allow_system) return SystemUser(request);
  return BadAfterDummyCheck(request, "system accounts disabled (control/checkpasswordsystem)");
}

}  // namespace ms::checkpassword
