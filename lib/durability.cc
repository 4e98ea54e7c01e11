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

// ext4 without a journal (or ext2/ext3 mounted by the ext4 driver) has the
// same magic number; the kernel names the journal thread in
// /sys/fs/ext4/<device>/journal_task, "<none>" when there is none.  When
// that cannot be read we assume no journal.
bool Ext4HasJournal(dev_t dev) {
  std::string link = "/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  char target[512];
  ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return false;
  std::string device(target, static_cast<size_t>(n));
  device = device.substr(device.rfind('/') + 1);
  auto task = ReadFile("/sys/fs/ext4/" + device + "/journal_task");
  return task.ok() && !task->empty() && task->rfind("<none>", 0) != 0;
}

}  // namespace

bool MetadataJournaledInOrder(int fd) {
  struct statfs fs;
  struct stat st;
  if (::fstatfs(fd, &fs) != 0 || ::fstat(fd, &st) != 0) return false;
  if (fs.f_type == kExt4Magic) {
    if (!Ext4HasJournal(st.st_dev)) return false;
  } else if (fs.f_type != kXfsMagic) {
    return false;
  }
  auto forced = Control().Number("fsyncdirectories", 0, 0, 1);
  return forced.ok() && *forced == 0;
}

}  // namespace ms
