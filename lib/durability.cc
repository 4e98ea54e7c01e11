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
// says "<none>"; the old ext2 driver publishes nothing.
Kind Ext4Kind(dev_t dev) {
  std::string link = "/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  char target[512];
  ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return Kind::kUntrusted;
  std::string device(target, static_cast<size_t>(n));
  std::string sysfs = "/sys/fs/ext4/" + device.substr(device.rfind('/') + 1);
  struct stat st;
  if (::stat(sysfs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Kind::kUntrusted;
  auto task = ReadFile(sysfs + "/journal_task");
  if (task.ok() && !task->empty() && task->rfind("<none>", 0) != 0) return Kind::kJournaled;
  // "<none>", or a kernel too old to say: the ext4 driver either way.
  return Kind::kExt4NoJournal;
}

Kind KindOf(int fd) {
  struct statfs fs;
  struct stat st;
  if (::fstatfs(fd, &fs) != 0 || ::fstat(fd, &st) != 0) return Kind::kUntrusted;
  if (fs.f_type == kXfsMagic) return Kind::kJournaled;
  if (fs.f_type == kExt4Magic) return Ext4Kind(st.st_dev);
  return Kind::kUntrusted;
}

bool OperatorAllowsOneFsync() {
  auto forced = Control().Number("fsyncdirectories", 0, 0, 1);
  return forced.ok() && *forced == 0;
}

}  // namespace

bool FsyncCommitsNewName(int fd) {
  return KindOf(fd) != Kind::kUntrusted && OperatorAllowsOneFsync();
}

bool MetadataJournaledInOrder(int fd) {
  return KindOf(fd) == Kind::kJournaled && OperatorAllowsOneFsync();
}

}  // namespace ms
