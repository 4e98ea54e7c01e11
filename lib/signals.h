// Signals delivered through a self-pipe, so a poll loop sees them as an
// ordinary readable fd and no real work happens inside a handler.
#ifndef MAILSUITE_LIB_SIGNALS_H_
#define MAILSUITE_LIB_SIGNALS_H_

#include <initializer_list>

namespace ms {

class SignalPipe {
 public:
  // Installs handlers for the given signals (SA_RESTART off so blocking
  // calls return EINTR).  May be called again to add signals; a forked
  // child that calls it gets a pipe of its own (the parent's inherited
  // ends are closed if still open, never an fd number reused since).
  static bool Install(std::initializer_list<int> signals);
  // The read end: readable when a signal has arrived.
  static int fd();
  // Drains the pipe; returns the signals received since the last call as a
  // bit mask (1u << signo).
  static unsigned long long Take();
};

// Restores the default disposition for a signal (e.g. SIGPIPE in a child).
void DefaultSignal(int signo);
void IgnoreSignal(int signo);

}  // namespace ms

#endif  // MAILSUITE_LIB_SIGNALS_H_
