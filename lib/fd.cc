#include "fd.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ms {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ReadAll(int fd, std::string* out) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    out->append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    int e = errno;
    return MakeError("unable to open " + path + ": " + std::strerror(e), e);
  }
  std::string data;
  // Read a regular file straight into a buffer of its size: no 64 KiB
  // staging copies and no regrowth (users files, large control lists).
  struct stat st;
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    data.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < data.size()) {
      ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        return MakeError("unable to read " + path + ": " + std::strerror(e), e);
      }
      if (n == 0) break;  // shrank while we read
      got += static_cast<size_t>(n);
    }
    data.resize(got);
  }
  if (!ReadAll(fd.get(), &data)) {  // grew while we read, or not a regular file
    int e = errno;
    return MakeError("unable to read " + path + ": " + std::strerror(e), e);
  }
  return data;
}

static std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return false;
  return ::fsync(fd.get()) == 0;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, int mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) return MakeError("unable to create " + tmp + ": " + std::strerror(errno));
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0 || !WriteAll(fd.get(), data) ||
      ::fsync(fd.get()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return MakeError("unable to write " + tmp + ": " + std::strerror(e));
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return MakeError("unable to rename " + tmp + " to " + path + ": " + std::strerror(e));
  }
  if (!SyncDirectory(DirectoryOf(path)))
    return MakeError("unable to sync directory of " + path + ": " + std::strerror(errno));
  return Ok{};
}

bool MakePipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end->reset(fds[0]);
  write_end->reset(fds[1]);
  return true;
}

}  // namespace ms
