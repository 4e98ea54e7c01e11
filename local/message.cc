#include "local/message.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "message_input.h"
#include "unnamed_file.h"

namespace ms::local {
namespace {

Error Temporary(std::string_view what) {
  return MakeError(std::string(what) + ": " + std::strerror(errno) + ". (#4.3.0)", 111);
}

}  // namespace

Result<UniqueFd> AnonymousFile() {
  const char* dir = ::getenv("TMPDIR");
  for (const char* d : {dir, "/tmp"}) {
    if (d == nullptr || *d == '\0') continue;
    UniqueFd fd(::open(d, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd.valid()) return fd;
  }
  UniqueFd fd(::memfd_create("mailsuite-local", MFD_CLOEXEC));
  if (!fd.valid()) return Temporary("Unable to create a temporary file");
  return fd;
}

Result<Message> Message::Open(int fd) {
  auto input = OpenMessageInput(fd);
  if (!input.ok()) return MakeError("Unable to read message: " + input.error().message + ". (#4.3.0)", 111);
  Message m;
  if (input->bounded) {
    m.fd_ = fd;
    m.offset_ = input->offset;
    m.length_ = input->length;
    struct stat st;
    if (::fstat(fd, &st) == 0) {
      m.whole_file_ = m.offset_ == 0 && static_cast<uint64_t>(st.st_size) == m.length_;
      if (input->offset > 0) m.queue_device_ = st.st_dev;  // behind a queue header
    }
    return m;
  }
  auto spool = AnonymousFile();
  if (!spool.ok()) return spool.error();
  char buf[65536];
  uint64_t total = 0;
  for (;;) {
    ssize_t n = input->Read(buf, sizeof buf);
    if (n < 0) return Temporary("Unable to read message");
    if (n == 0) break;
    if (!WriteAll(spool->get(), std::string_view(buf, static_cast<size_t>(n))))
      return Temporary("Unable to spool message");
    total += static_cast<uint64_t>(n);
  }
  m.spool_ = std::move(*spool);
  m.fd_ = m.spool_.get();
  m.length_ = total;
  m.whole_file_ = true;
  return m;
}

ssize_t Message::ReadAt(char* buf, size_t len, uint64_t pos) const {
  if (pos >= length_) return 0;
  if (len > length_ - pos) len = static_cast<size_t>(length_ - pos);
  for (;;) {
    ssize_t n = ::pread(fd_, buf, len, static_cast<off_t>(offset_ + pos));
    if (n >= 0 || errno != EINTR) return n;
  }
}

Status Message::CopyTo(int out) const {
  if (!CopyRange(fd_, offset_, length_, out)) return Temporary("Unable to copy message");
  return Ok{};
}

Result<int> Message::StandaloneFd() {
  if (whole_file_) {
    if (::lseek(fd_, 0, SEEK_SET) < 0) return Temporary("Unable to rewind message");
    return fd_;
  }
  if (!standalone_.valid()) {
    auto copy = AnonymousFile();
    if (!copy.ok()) return copy.error();
    if (!CopyRange(fd_, offset_, length_, copy->get())) return Temporary("Unable to copy message");
    standalone_ = std::move(*copy);
  }
  if (::lseek(standalone_.get(), 0, SEEK_SET) < 0) return Temporary("Unable to rewind message");
  return standalone_.get();
}

}  // namespace ms::local
