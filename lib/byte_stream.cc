#include "byte_stream.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ms {

ssize_t FdStream::Read(char* buf, size_t len, const Deadline& deadline) {
  while (!not_a_socket_) {
    ssize_t n = ::recv(in_, buf, len, MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == ENOTSOCK) not_a_socket_ = true;
    else if (errno == EAGAIN) break;  // nothing yet: wait below
    else return kStreamError;
  }
  ssize_t n = ReadWithDeadline(in_, buf, len, deadline);
  return n == -2 ? kStreamTimeout : n;
}

ssize_t FdStream::ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) {
  if (len == 0) return kStreamError;
  if (!not_a_socket_) {
    for (bool wait = false;; wait = true) {
      if (wait) {
        WaitResult w = WaitReadable(in_, deadline);
        if (w == WaitResult::kTimeout) return kStreamTimeout;
        if (w == WaitResult::kError) return kStreamError;
      }
      ssize_t peeked = ::recv(in_, buf, len, MSG_PEEK | MSG_DONTWAIT);
      if (peeked < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (peeked < 0 && errno == ENOTSOCK) {
        not_a_socket_ = true;
        break;
      }
      if (peeked <= 0) return peeked < 0 ? kStreamError : 0;
      const void* lf = std::memchr(buf, '\n', static_cast<size_t>(peeked));
      size_t take = lf ? static_cast<size_t>(static_cast<const char*>(lf) - buf) + 1
                       : static_cast<size_t>(peeked);
      for (;;) {
        ssize_t n = ::recv(in_, buf, take, 0);
        if (n < 0 && errno == EINTR) continue;
        return n < 0 ? kStreamError : n;
      }
    }
  }
  return Read(buf, 1, deadline);
}

bool FdStream::Write(std::string_view data, const Deadline& deadline, bool* timed_out) {
  if (timed_out) *timed_out = false;
  while (!out_not_a_socket_ && !data.empty()) {
    // MSG_NOSIGNAL: a client gone is a failed write, never a SIGPIPE.
    ssize_t n = ::send(out_, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == ENOTSOCK) out_not_a_socket_ = true;
    else if (errno == EAGAIN) break;  // the socket buffer is full: wait below
    else return false;
  }
  return data.empty() || WriteAllWithDeadline(out_, data.data(), data.size(), deadline, timed_out);
}

}  // namespace ms
