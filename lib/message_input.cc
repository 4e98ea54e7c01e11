#include "message_input.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "envelope.h"
#include "queue_layout.h"

namespace ms {

namespace {

// Whether the envelope region starts "F sender \0 U \0" (the sender is
// at most kMaxEnvelopeAddress octets, so one bounded read decides).
bool HasSmtpUtf8Mark(int fd, const QueueHeader& header) {
  char buf[kMaxEnvelopeAddress + 4];
  size_t want = header.envelope_length < sizeof buf ? header.envelope_length : sizeof buf;
  ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(header.envelope_offset));
  if (n < 4 || buf[0] != 'F') return false;
  std::string_view env(buf, static_cast<size_t>(n));
  size_t nul = env.find('\0');
  return nul != std::string_view::npos && nul + 2 < env.size() && env[nul + 1] == 'U' &&
         env[nul + 2] == '\0';
}

}  // namespace

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
      in.smtputf8 = HasSmtpUtf8Mark(fd, *header);
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
