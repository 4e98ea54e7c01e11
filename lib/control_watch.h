// Whether anything in the control directory changed: an inotify watch of
// the directory, read without blocking.  mailsuite-tcpserver asks it before
// it hands each connection to a pooled smtpd worker, and tells the worker
// to forget the control files it kept (lib/control.h KeepControlFiles).
//
// Why the listener and not each worker: inotify instances are limited per
// user (fs.inotify.max_user_instances, 128 by default) and a listener may
// run hundreds of workers as one user; one watch serves them all.
//
// What it sees: a file in the directory written, truncated, created,
// removed, renamed or chmod'ed — `echo 10 >control/x` and a rename into
// place alike.  What it cannot see: a change to the target of a control
// file that is a symbolic link out of the directory: workers see that
// when they retire (smtpdmaxuse connections, or 100 s idle), or at once
// after `svc -t` (a new listener, new workers).
#ifndef MAILSUITE_LIB_CONTROL_WATCH_H_
#define MAILSUITE_LIB_CONTROL_WATCH_H_

#include <string>

#include "fd.h"

namespace ms {

class ControlWatch {
 public:
  // Watches dir.  When the watch cannot be set up (no inotify instance
  // left, say), Changed() is always true: every connection re-reads, as
  // a process per connection does.
  explicit ControlWatch(std::string dir);

  // True when something changed since the last call (or the first time);
  // drains the pending events.  One read(2) when nothing changed.
  bool Changed();
  // Whether the directory is watched (false: Changed() is always true).
  bool watching() const { return inotify_.valid(); }

 private:
  void Start();

  std::string dir_;
  UniqueFd inotify_;
  bool first_ = true;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_CONTROL_WATCH_H_
