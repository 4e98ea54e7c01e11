#include "service/setup_queue.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "queue_layout.h"

namespace ms::setup {

namespace {

constexpr const char* kQueueUser = "mailsuite";
constexpr const char* kAdminGroup = "msadmin";
constexpr const char* kFilterUser = "msfilter";

QueueOwners OwnersWhenRoot() {
  QueueOwners owners;
  if (::geteuid() != 0) return owners;
  if (const struct passwd* pw = ::getpwnam(kQueueUser)) owners.uid = pw->pw_uid;
  if (const struct group* gr = ::getgrnam(kAdminGroup)) owners.gid = gr->gr_gid;
  return owners;
}

}  // namespace

Status SetUpQueue(const std::string& dir) {
  QueueOwners owners = OwnersWhenRoot();
  Status created = CreateQueue(dir, owners);
  if (!created) return created;
  if (owners.gid == static_cast<gid_t>(-1)) return Ok{};
  // Message files are created in tmp/ by a set-uid mailsuite-queue running
  // with the invoking user's group; the set-gid bit makes them belong to
  // the admin group instead, so that group can read mess/ (qread).  tmp/
  // itself stays closed to the group (mode 2700).
  std::string tmp = QueueLayout(dir).tmp();
  if (::chown(tmp.c_str(), owners.uid, owners.gid) != 0 || ::chmod(tmp.c_str(), 02700) != 0)
    return MakeError("unable to set the group of " + tmp + ": " + std::strerror(errno));
  return Ok{};
}

Status SetUpQuarantine(const std::string& dir, bool production) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return MakeError("unable to create " + dir + ": " + std::strerror(errno));
  if (!production || ::geteuid() != 0) return Ok{};
  const struct passwd* pw = ::getpwnam(kFilterUser);
  uid_t uid = pw ? pw->pw_uid : 0;
  const struct group* gr = ::getgrnam(kAdminGroup);
  if (pw == nullptr || gr == nullptr) return Ok{};
  if (::chown(dir.c_str(), uid, gr->gr_gid) != 0 || ::chmod(dir.c_str(), 02770) != 0)
    return MakeError("unable to give " + dir + " to msfilter:msadmin: " + std::strerror(errno));
  return Ok{};
}

}  // namespace ms::setup
