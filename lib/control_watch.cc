#include "control_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log.h"

namespace ms {

namespace {

constexpr uint32_t kEvents = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                             IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

ControlWatch::ControlWatch(std::string dir) : dir_(std::move(dir)) { Start(); }

void ControlWatch::Start() {
  UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (fd.valid() && ::inotify_add_watch(fd.get(), dir_.c_str(), kEvents) >= 0) {
    inotify_ = std::move(fd);
    return;
  }
  inotify_.reset();
  LogLine("warning").Add("what", "control-watch").Add("dir", dir_).Add("error", std::strerror(errno))
      .Add("effect", "control files re-read for every connection").Emit();
}

bool ControlWatch::Changed() {
  if (!inotify_.valid()) return true;
  bool changed = first_;
  first_ = false;
  bool lost = false;  // the directory itself went away or was renamed
  alignas(struct inotify_event) char events[4096];
  for (;;) {
    ssize_t n = ::read(inotify_.get(), events, sizeof events);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: drained
    changed = true;
    for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(struct inotify_event)) <= n;) {
      const auto* e = reinterpret_cast<const struct inotify_event*>(events + at);
      if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) lost = true;
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
    }
  }
  // A control directory replaced as a whole (a new one renamed into
  // place): watch the new one.
  if (lost) Start();
  return changed;
}

}  // namespace ms
