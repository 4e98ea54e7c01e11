#include "transport.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace ms::pop3d {

ssize_t FdTransport::Read(char* buf, size_t len, const Deadline& deadline) {
  ssize_t n = ReadWithDeadline(in_, buf, len, deadline);
  return n == -2 ? kTransportTimeout : n;
}

ssize_t FdTransport::ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) {
  if (len == 0) return kTransportError;
  if (!not_a_socket_) {
    // Peek first, then take exactly up to the newline: one or two system
    // calls per command line instead of one per byte.
    for (;;) {
      WaitResult w = WaitReadable(in_, deadline);
      if (w == WaitResult::kTimeout) return kTransportTimeout;
      if (w == WaitResult::kError) return kTransportError;
      ssize_t peeked = ::recv(in_, buf, len, MSG_PEEK);
      if (peeked < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (peeked < 0 && errno == ENOTSOCK) {
        not_a_socket_ = true;
        break;
      }
      if (peeked <= 0) return peeked < 0 ? kTransportError : 0;
      const void* lf = std::memchr(buf, '\n', static_cast<size_t>(peeked));
      size_t take = lf ? static_cast<size_t>(static_cast<const char*>(lf) - buf) + 1
                       : static_cast<size_t>(peeked);
      for (;;) {
        ssize_t n = ::recv(in_, buf, take, 0);
        if (n < 0 && errno == EINTR) continue;
        return n < 0 ? kTransportError : n;
      }
    }
  }
  // A pipe cannot be peeked at: one byte at a time (only before login,
  // only a few hundred bytes).
  return Read(buf, 1, deadline);
}

bool FdTransport::Write(std::string_view data, const Deadline& deadline) {
  return WriteAllWithDeadline(out_, data.data(), data.size(), deadline);
}

}  // namespace ms::pop3d
