#include "durability.h"

#include <sys/vfs.h>

#include "control.h"

namespace ms {

namespace {

constexpr long kExt4Magic = 0xEF53;  // ext2, ext3 and ext4 alike
constexpr long kXfsMagic = 0x58465342;

}  // namespace

bool MetadataJournaledInOrder(int fd) {
  struct statfs fs;
  if (::fstatfs(fd, &fs) != 0) return false;
  if (fs.f_type != kExt4Magic && fs.f_type != kXfsMagic) return false;
  auto forced = Control().Number("fsyncdirectories", 0, 0, 1);
  return forced.ok() && *forced == 0;
}

}  // namespace ms
