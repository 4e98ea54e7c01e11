// Files written before they have a name (O_TMPFILE) and linked into their
// directory once complete: the Maildir delivery (local/README.md) and the
// queue writer (queue/FORMAT.md "Writing").  Nobody can see or open such a
// file half-written, a crash before the link leaves nothing behind (the
// inode is freed), and creating one takes no lock on the directory: on
// ext4 without a journal the search for a free inode walks every inode of
// the group deleted in the last minutes, and a named create holds the
// directory's lock all that time, making concurrent writers wait.
#ifndef MAILSUITE_LIB_UNNAMED_FILE_H_
#define MAILSUITE_LIB_UNNAMED_FILE_H_

#include <sys/types.h>

#include <cstdint>

#include "fd.h"

namespace ms {

// An unnamed regular file for reading and writing, on the filesystem of directory
// `dir` (relative to dirfd, or AT_FDCWD), mode as for open(2) (umask and a
// set-gid directory apply).  Invalid, with errno, on failure.
UniqueFd OpenUnnamed(int dirfd, const char* dir, mode_t mode);
// The filesystem or kernel has no O_TMPFILE: write a named file instead.
bool UnnamedUnsupported(int err);

enum class LinkResult {
  kLinked,
  kNameTaken,  // EEXIST
  kRefused,    // linking a descriptor is not possible here (no /proc in a
               // chroot on a kernel before 6.10, a security module): copy
               // the file to a named one instead
  kFailed,     // errno says why (the directory is missing, ...)
};
// Links the unnamed file `fd` as `name` (relative to dirfd): linkat of
// the descriptor where the kernel lets us (Linux 6.10 on; root), else of
// its /proc/self/fd link.
LinkResult LinkUnnamed(int fd, int dirfd, const char* name);

// Copies len bytes of `in` from offset pos to `out` at its current offset:
// copy_file_range (no user-space copy), or sendfile where that cannot work
// (a pipe, another filesystem, an old kernel).  False, with errno, on
// failure; EIO if `in` ends early.
bool CopyRange(int in, uint64_t pos, uint64_t len, int out);

}  // namespace ms

#endif  // MAILSUITE_LIB_UNNAMED_FILE_H_
