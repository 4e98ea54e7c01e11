// An owned file descriptor, closed when it goes out of scope, and the
// few whole-buffer I/O helpers every program needs.
#ifndef MAILSUITE_LIB_FD_H_
#define MAILSUITE_LIB_FD_H_

#include <string>
#include <string_view>
#include <utility>

#include "result.h"

namespace ms {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Writes all of data, retrying on EINTR and short writes; false with errno
// set on failure.
bool WriteAll(int fd, std::string_view data);
// Reads until end of file, appending to *out; false with errno on failure.
bool ReadAll(int fd, std::string* out);
// Reads a whole file; Error names the file.  ENOENT is reported with
// code ENOENT so callers can treat a missing file as a default.
Result<std::string> ReadFile(const std::string& path);
// Writes path atomically: temp file in the same directory, fsync, rename,
// fsync of the directory.
Status WriteFileAtomic(const std::string& path, std::string_view data, int mode);
// fsync of the directory that holds path (or of path itself if a directory).
bool SyncDirectory(const std::string& dir);
// A pipe whose both ends are close-on-exec.
bool MakePipe(UniqueFd* read_end, UniqueFd* write_end);

}  // namespace ms

#endif  // MAILSUITE_LIB_FD_H_
