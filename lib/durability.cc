#include "durability.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <string>

#include "control.h"
#include "fd.h"

namespace ms {

namespace {

constexpr long kExt4Magic = 0xEF53;  // ext2, ext3 and ext4 alike
constexpr long kXfsMagic = 0x58465342;

enum class Kind { kUntrusted, kExt4NoJournal, kJournaled };

// ext2/ext3/ext4 share one magic number.  The ext4 driver publishes
// /sys/fs/ext4/<device>/, whose journal_task names the journal thread or
// says "<none>"; the old ext2 driver publishes nothing.  The journal is
// looked up only when asked (want_journal): the queue's question does not
// need it.
Kind Ext4Kind(dev_t dev, bool want_journal) {
  std::string link = "/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  char target[512];
  ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return Kind::kUntrusted;
  std::string device(target, static_cast<size_t>(n));
  std::string sysfs = "/sys/fs/ext4/" + device.substr(device.rfind('/') + 1);
  if (want_journal) {
    auto task = ReadFile(sysfs + "/journal_task");
    if (task.ok() && !task->empty() && task->rfind("<none>", 0) != 0) return Kind::kJournaled;
  }
  // "<none>", not asked, or a kernel too old to say: the ext4 driver
  // either way, if its directory is there.
  struct stat st;
  bool ext4_driver = ::stat(sysfs.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  return ext4_driver ? Kind::kExt4NoJournal : Kind::kUntrusted;
}

// kExt4NoJournal may stand for "ext4, journal not looked up".
Kind KindOf(int fd, bool want_journal) {
  struct statfs fs;
  struct stat st;
  if (::fstatfs(fd, &fs) != 0 || ::fstat(fd, &st) != 0) return Kind::kUntrusted;
  if (fs.f_type == kXfsMagic) return Kind::kJournaled;
  if (fs.f_type == kExt4Magic) return Ext4Kind(st.st_dev, want_journal);
  return Kind::kUntrusted;
}

bool OperatorAllowsOneFsync() {
  auto forced = Control().Number("fsyncdirectories", 0, 0, 1);
  return forced.ok() && *forced == 0;
}

}  // namespace

bool FsyncCommitsNewName(int fd) {
  return KindOf(fd, false) != Kind::kUntrusted && OperatorAllowsOneFsync();
}

bool MetadataJournaledInOrder(int fd) {
  return KindOf(fd, true) == Kind::kJournaled && OperatorAllowsOneFsync();
}

}  // namespace ms
