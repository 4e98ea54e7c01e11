// Deadlines on the monotonic clock, and waiting for an fd until one.
#ifndef MAILSUITE_LIB_DEADLINE_H_
#define MAILSUITE_LIB_DEADLINE_H_

#include <cstdint>
#include <sys/types.h>

namespace ms {

int64_t MonotonicMs();

class Deadline {
 public:
  static Deadline Never() { return Deadline(-1); }
  static Deadline AfterMs(int64_t ms) { return Deadline(MonotonicMs() + ms); }
  static Deadline AfterSeconds(int64_t s) { return AfterMs(s * 1000); }
  bool never() const { return at_ms_ < 0; }
  bool Expired() const { return !never() && MonotonicMs() >= at_ms_; }
  // Milliseconds left for poll(2): -1 for never, 0 when expired.
  int PollTimeout() const;

 private:
  explicit Deadline(int64_t at_ms) : at_ms_(at_ms) {}
  int64_t at_ms_;
};

enum class WaitResult { kReady, kTimeout, kError };

WaitResult WaitReadable(int fd, const Deadline& deadline);
WaitResult WaitWritable(int fd, const Deadline& deadline);

// read(2) that waits at most until deadline: >0 bytes, 0 end of file,
// -1 error (errno), -2 timeout.
ssize_t ReadWithDeadline(int fd, char* buf, size_t len, const Deadline& deadline);
// Writes everything or fails: true on success; false on error or timeout
// (*timed_out tells which when non-null).
bool WriteAllWithDeadline(int fd, const char* data, size_t len, const Deadline& deadline,
                          bool* timed_out = nullptr);

}  // namespace ms

#endif  // MAILSUITE_LIB_DEADLINE_H_
