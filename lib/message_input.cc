#include "message_input.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "queue_layout.h"

namespace ms {

Result<MessageInput> OpenMessageInput(int fd) {
  MessageInput in;
  in.fd = fd;
  struct stat st;
  if (::fstat(fd, &st) != 0) return MakeError(std::string("fstat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return in;  // a pipe: read to end of file
  in.seekable = true;
  in.bounded = true;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  char head[kQueueHeaderSize];
  ssize_t n = ::pread(fd, head, sizeof head, 0);
  if (n == static_cast<ssize_t>(sizeof head)) {
    auto header = ParseQueueHeader(std::string_view(head, sizeof head), size);
    if (header.ok()) {
      in.offset = header->message_offset;
      in.length = header->message_length;
    }
  }
  if (in.offset == 0) {
    // A plain file: the message is the whole file from where fd stands.
    off_t here = ::lseek(fd, 0, SEEK_CUR);
    in.offset = here > 0 ? static_cast<uint64_t>(here) : 0;
    in.length = size > in.offset ? size - in.offset : 0;
  }
  if (!in.Rewind()) return MakeError(std::string("lseek: ") + std::strerror(errno));
  return in;
}

ssize_t MessageInput::Read(char* buf, size_t len) {
  if (bounded) {
    uint64_t left = length - consumed;
    if (left == 0) return 0;
    if (len > left) len = static_cast<size_t>(left);
  }
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) {
      consumed += static_cast<uint64_t>(n);
      return n;
    }
    if (errno != EINTR) return -1;
  }
}

bool MessageInput::Rewind() {
  if (!seekable) return consumed == 0;
  if (::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) return false;
  consumed = 0;
  return true;
}

}  // namespace ms
