#include "durability.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>

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

// kExt4NoJournal may stand for "ext4, journal not looked up".  What a
// mounted filesystem is does not change while it is mounted (a journal is
// added or removed only unmounted), so the answer is kept per device: the
// queue and Maildir writers ask for every message, and the lookup is about
// ten system calls (statfs, readlink, sysfs).
Kind KindOf(int fd, bool want_journal) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Kind::kUntrusted;
  static std::mutex mutex;
  static std::map<std::pair<dev_t, bool>, Kind> known;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_pair(st.st_dev, want_journal);
  if (auto it = known.find(key); it != known.end()) return it->second;
  struct statfs fs;
  if (::fstatfs(fd, &fs) != 0) return Kind::kUntrusted;  // not kept: may be passing
  Kind kind = fs.f_type == kXfsMagic    ? Kind::kJournaled
              : fs.f_type == kExt4Magic ? Ext4Kind(st.st_dev, want_journal)
                                        : Kind::kUntrusted;
  known.emplace(key, kind);
  return kind;
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
