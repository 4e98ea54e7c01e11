// Child processes: spawn a program with chosen fds, wait for its status.
#ifndef MAILSUITE_LIB_CHILD_H_
#define MAILSUITE_LIB_CHILD_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "deadline.h"
#include "result.h"

namespace ms {

struct SpawnSpec {
  std::vector<std::string> argv;                 // argv[0] is the path run
  std::vector<std::pair<int, int>> fds;          // {child fd, parent fd}
  const std::vector<std::string>* env = nullptr;  // nullptr: inherit environ
};

// Starts the program (posix_spawn: no copy of the parent's memory).  Only
// the fds named in spec.fds, plus the parent's fds that are not
// close-on-exec, are open in the child.
Result<pid_t> Spawn(const SpawnSpec& spec);

struct ExitStatus {
  bool exited = false;  // false: killed by signal (or wait failed)
  int code = -1;        // exit code when exited
  int signal = 0;       // terminating signal otherwise
};

ExitStatus DecodeWaitStatus(int status);
// Waits for pid, retrying on EINTR.
ExitStatus WaitFor(pid_t pid);

// A running child that is killed (SIGKILL) and reaped if still running
// when the object dies, so no error path leaks a process.
class Child {
 public:
  Child() = default;
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(Child&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  pid_t pid() const { return pid_; }
  ExitStatus Wait();
  // Waits until deadline; past it the child is killed (SIGKILL), reaped,
  // and *timed_out set.
  ExitStatus WaitUntil(const Deadline& deadline, bool* timed_out);

 private:
  pid_t pid_ = -1;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_CHILD_H_
