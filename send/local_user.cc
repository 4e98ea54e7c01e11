#include "send/local_user.h"

#include <pwd.h>
#include <sys/stat.h>

#include <vector>

#include "address.h"
#include "utf8_address.h"
#include "users.h"

namespace ms::send {

namespace {

// Calls try_name(prefix, ext, dash) for the whole local part and then for
// every prefix ending before a '-', longest first; stops at the first true.
template <typename F>
bool ForEachUserPrefix(std::string_view local, F try_name) {
  for (size_t len = local.size() + 1; len-- > 0;) {
    if (len != local.size() && local[len] != '-') continue;
    std::string_view ext = len == local.size() ? std::string_view() : local.substr(len + 1);
    if (try_name(local.substr(0, len), ext, len == local.size() ? "" : "-")) return true;
  }
  return false;
}

}  // namespace

std::map<std::string, VirtualUser> ParseUsersDatabase(std::string_view text, size_t* malformed) {
  UsersDb db = ParseUsers(text);
  *malformed = db.errors.size();
  std::map<std::string, VirtualUser> users;
  for (auto& e : db.entries)
    users.emplace(e.address,
                  VirtualUser{e.uid, e.gid, e.home, e.quota.set ? FormatQuota(e.quota) : ""});
  return users;
}

AccountLookup SystemAccountLookup() {
  AccountLookup a;
  a.getpw = [](const std::string& name) -> std::optional<SystemAccount> {
    struct passwd entry, *pw = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(name.c_str(), &entry, buf.data(), buf.size(), &pw) != 0 || pw == nullptr)
      return std::nullopt;
    return SystemAccount{pw->pw_name, pw->pw_uid, pw->pw_gid, pw->pw_dir};
  };
  a.owns_home = [](const std::string& dir, uid_t uid) {
    struct stat st;
    return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
  };
  return a;
}

std::optional<LocalTarget> FindLocalTarget(const Route& route,
                                           const std::map<std::string, VirtualUser>& users,
                                           const AccountLookup& accounts,
                                           std::string* skipped) {
  std::optional<LocalTarget> found;
  if (!users.empty()) {
    // The database's keys have the local part in NFC and the domain as
    // A-labels (lib/users.h NormalizeUserAddress): an NFD local part or a
    // U-label domain finds its user.
    const std::string nfc_local = Utf8Nfc(route.original_local).value_or(route.original_local);
    const std::string key_domain = ComparableDomain(route.domain);
    for (const std::string& local : {nfc_local, LowerCase(nfc_local)}) {
      ForEachUserPrefix(local, [&](std::string_view name, std::string_view ext,
                                   const char* dash) {
        std::string key = std::string(name) + "@" + key_domain;
        auto it = users.find(key);
        if (it == users.end()) return false;
        found = LocalTarget{key, it->second.uid, it->second.gid, it->second.home,
                            route.original_local, dash, std::string(ext), route.domain,
                            it->second.quota, true};
        return true;
      });
      if (found) return found;
    }
  }
  std::string local = LowerCase(route.local);
  ForEachUserPrefix(local, [&](std::string_view name, std::string_view ext, const char* dash) {
    // getpwnam names are short; qmail-getpw's buffer is 32 bytes.
    if (name.empty() || name.size() > 32) return false;
    auto pw = accounts.getpw(std::string(name));
    if (!pw) return false;
    if (pw->uid == 0 || !accounts.owns_home(pw->home, pw->uid)) {
      if (skipped != nullptr && skipped->empty())
        *skipped = pw->name + (pw->uid == 0 ? ": uid 0" : ": home " + pw->home + " not owned");
      return false;
    }
    found = LocalTarget{pw->name, pw->uid, pw->gid, pw->home, route.local, dash,
                        std::string(ext), route.domain, ""};
    return true;
  });
  return found;
}

}  // namespace ms::send
