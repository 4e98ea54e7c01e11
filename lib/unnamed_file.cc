#include "unnamed_file.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace ms {

UniqueFd OpenUnnamed(int dirfd, const char* dir, mode_t mode) {
  return UniqueFd(::openat(dirfd, dir, O_TMPFILE | O_RDWR | O_CLOEXEC, mode));
}

bool UnnamedUnsupported(int err) { return err == EOPNOTSUPP || err == EISDIR || err == EINVAL; }

LinkResult LinkUnnamed(int fd, int dirfd, const char* name) {
  if (::linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0) return LinkResult::kLinked;
  if (errno == EEXIST) return LinkResult::kNameTaken;
  // Before Linux 6.10 only CAP_DAC_READ_SEARCH may link a descriptor (the
  // others get ENOENT): its /proc/self/fd link instead.
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, proc.c_str(), dirfd, name, AT_SYMLINK_FOLLOW) == 0) return LinkResult::kLinked;
  int err = errno;
  if (err == EEXIST) return LinkResult::kNameTaken;
  struct stat st;
  if (err == EPERM || (err == ENOENT && ::lstat(proc.c_str(), &st) != 0)) {
    errno = err;
    return LinkResult::kRefused;
  }
  errno = err;
  return LinkResult::kFailed;
}

bool CopyRange(int in, uint64_t pos, uint64_t len, int out) {
  off_t off = static_cast<off_t>(pos);
  bool try_cfr = true;
  while (len > 0) {
    size_t chunk = len > (1u << 30) ? (1u << 30) : static_cast<size_t>(len);
    ssize_t n = -1;
    if (try_cfr) {
      n = ::copy_file_range(in, &off, out, nullptr, chunk, 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP || errno == ENOSYS ||
                    errno == EBADF)) {
        try_cfr = false;  // a pipe, another filesystem, an old kernel
        continue;
      }
    } else {
      n = ::sendfile(out, in, &off, chunk);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {  // the file is shorter than its header said
      errno = EIO;
      return false;
    }
    len -= static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace ms
