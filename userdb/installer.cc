#include "userdb/installer.h"

#include "child.h"
#include "control/users_edit.h"
#include "fd.h"

namespace ms::userdb {

namespace {

bool Unchanged(const std::string& path, const std::string& text) {
  auto old = ReadFile(path);
  return old.ok() && *old == text;
}

}  // namespace

Result<InstallReport> Install(const InstallTargets& t, const Snapshot& s) {
  Status ok = CheckSnapshot(s);
  if (!ok) return MakeError("refused a snapshot from the reader: " + ok.error().message);
  InstallReport report;
  if (!Unchanged(t.users, s.users)) {
    // mailsuite-users' own locked rewrite: the same lock, format, mode
    // (0600 for a new file) and owner.
    Status w = control::EditUsersFile(
        t.users, [&s](std::string_view) -> Result<std::string> { return s.users; });
    if (!w) return w.error();
    report.users = true;
  }
  if (!Unchanged(t.virtualdomains, s.virtualdomains)) {
    Status w = control::ReplaceFileKeepingOwner(t.virtualdomains, s.virtualdomains, 0644);
    if (!w) return w.error();
    report.virtualdomains = true;
    if (!t.send_service.empty()) {
      auto pid = Spawn(SpawnSpec{{"/usr/bin/svc", "-h", t.send_service}, {}, nullptr});
      if (!pid) return MakeError("unable to run svc -h " + t.send_service + ": " + pid.error().message);
      ExitStatus e = WaitFor(*pid);
      if (!e.exited || e.code != 0) return MakeError("svc -h " + t.send_service + " failed");
    }
  }
  if (!Unchanged(t.rcpthosts, s.rcpthosts)) {
    Status w = control::ReplaceFileKeepingOwner(t.rcpthosts, s.rcpthosts, 0644);
    if (!w) return w.error();
    report.rcpthosts = true;
  }
  return report;
}

bool HavePreviousCopy(const std::string& users_path) {
  auto text = ReadFile(users_path);
  return text.ok() && WrittenBySync(*text);
}

}  // namespace ms::userdb
