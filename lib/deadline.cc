#include "deadline.h"

#include <cerrno>
#include <poll.h>
#include <time.h>
#include <unistd.h>

namespace ms {

int64_t MonotonicMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int Deadline::PollTimeout() const {
  if (never()) return -1;
  int64_t left = at_ms_ - MonotonicMs();
  if (left <= 0) return 0;
  return left > 0x7fffffff ? 0x7fffffff : static_cast<int>(left);
}

static WaitResult WaitFor(int fd, short events, const Deadline& deadline) {
  for (;;) {
    struct pollfd p = {fd, events, 0};
    int r = ::poll(&p, 1, deadline.PollTimeout());
    if (r > 0) return WaitResult::kReady;  // including POLLHUP/POLLERR: the I/O call reports it
    if (r == 0) return WaitResult::kTimeout;
    if (errno != EINTR) return WaitResult::kError;
  }
}

WaitResult WaitReadable(int fd, const Deadline& deadline) { return WaitFor(fd, POLLIN, deadline); }
WaitResult WaitWritable(int fd, const Deadline& deadline) { return WaitFor(fd, POLLOUT, deadline); }

ssize_t ReadWithDeadline(int fd, char* buf, size_t len, const Deadline& deadline) {
  for (;;) {
    WaitResult w = WaitReadable(fd, deadline);
    if (w == WaitResult::kTimeout) return -2;
    if (w == WaitResult::kError) return -1;
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) return n;
    if (errno != EINTR && errno != EAGAIN) return -1;
  }
}

bool WriteAllWithDeadline(int fd, const char* data, size_t len, const Deadline& deadline,
                          bool* timed_out) {
  if (timed_out) *timed_out = false;
  while (len > 0) {
    WaitResult w = WaitWritable(fd, deadline);
    if (w == WaitResult::kTimeout) {
      if (timed_out) *timed_out = true;
      return false;
    }
    if (w == WaitResult::kError) return false;
    ssize_t n = ::write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace ms
