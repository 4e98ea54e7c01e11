#include "local/mbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fd.h"
#include "local/from_quote.h"

namespace ms::local {
namespace {

constexpr time_t kStaleDotLock = 300;

Error Temporary(std::string_view what, const std::string& path) {
  return MakeError(std::string(what) + " " + path + ": " + std::strerror(errno) + ". (#4.2.1)", 111);
}

struct timespec Now() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts;
}

// Sleeps a little longer each time (10 ms up to 200 ms); false once the
// wait has lasted kLockWait seconds.
bool Backoff(const struct timespec& start, int* step) {
  struct timespec now = Now();
  if (now.tv_sec - start.tv_sec >= kLockWait) return false;
  long ms = 10L << (*step < 4 ? (*step)++ : 4);
  if (ms > 200) ms = 200;
  struct timespec d = {0, ms * 1000000L};
  ::nanosleep(&d, nullptr);
  return true;
}

class DotLock {
 public:
  // Error code 111 when the lock cannot be had.
  Status Acquire(const std::string& mbox) {
    path_ = mbox + ".lock";
    struct timespec start = Now();
    int step = 0;
    for (;;) {
      int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd >= 0) {
        ::close(fd);
        held_ = true;
        return Ok{};
      }
      if (errno == EACCES || errno == EROFS || errno == EPERM) return Ok{};  // no dot-locking here
      if (errno != EEXIST) return Temporary("Unable to create lock", path_);
      struct stat st;
      if (::lstat(path_.c_str(), &st) == 0 && st.st_mtime + kStaleDotLock < ::time(nullptr)) {
        ::unlink(path_.c_str());
        continue;
      }
      if (!Backoff(start, &step)) {
        errno = EWOULDBLOCK;
        return Temporary("Timed out waiting for lock", path_);
      }
    }
  }
  ~DotLock() {
    if (held_) ::unlink(path_.c_str());
  }

 private:
  std::string path_;
  bool held_ = false;
};

Status LockFile(int fd, const std::string& path) {
  struct timespec start = Now();
  int step = 0;
  for (;;) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &fl) == 0) return Ok{};
    if (errno != EACCES && errno != EAGAIN && errno != EINTR) return Temporary("Unable to lock", path);
    if (!Backoff(start, &step)) return Temporary("Timed out waiting for lock on", path);
  }
}

// Writes the quoted message; false with errno on a write or read error.
bool WriteQuoted(int fd, std::string_view head, const Message& message) {
  std::string out(head);
  out.reserve(1 << 17);
  FromQuoter quoter;
  char buf[65536];
  uint64_t pos = 0;
  for (;;) {
    ssize_t n = message.ReadAt(buf, sizeof buf, pos);
    if (n < 0) return false;
    if (n == 0) break;
    pos += static_cast<uint64_t>(n);
    quoter.Feed(std::string_view(buf, static_cast<size_t>(n)), &out);
    if (out.size() >= sizeof buf) {
      if (!WriteAll(fd, out)) return false;
      out.clear();
    }
  }
  if (pos != message.length()) {
    errno = EIO;
    return false;
  }
  quoter.Finish(&out);
  return WriteAll(fd, out);
}

}  // namespace

Status DeliverMbox(const std::string& path, std::string_view from_line, std::string_view prefix,
                   const Message& message) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == ELOOP) return MakeError("Uh-oh: mbox " + path + " is a symbolic link. (#4.7.0)", 111);
    return Temporary("Unable to open mbox", path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Temporary("Unable to stat mbox", path);
  if (!S_ISREG(st.st_mode)) return MakeError("Uh-oh: mbox " + path + " is not a regular file. (#4.7.0)", 111);
  if (st.st_nlink != 1) return MakeError("Uh-oh: mbox " + path + " has more than one link. (#4.7.0)", 111);
  if (st.st_uid != ::geteuid()) return MakeError("Uh-oh: mbox " + path + " belongs to another user. (#4.7.0)", 111);
  DotLock dot;
  if (Status s = dot.Acquire(path); !s.ok()) return s;
  if (Status s = LockFile(fd.get(), path); !s.ok()) return s;
  if (::fstat(fd.get(), &st) != 0) return Temporary("Unable to stat mbox", path);
  std::string head(from_line);
  head += prefix;
  if (!WriteQuoted(fd.get(), head, message) || ::fsync(fd.get()) != 0) {
    Error e = Temporary("Unable to write mbox", path);
    if (::ftruncate(fd.get(), st.st_size) == 0) ::fsync(fd.get());
    return e;
  }
  return Ok{};
}

}  // namespace ms::local
