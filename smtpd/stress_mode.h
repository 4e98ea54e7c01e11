// Stress mode (issue 22 point 0): while more than 80 % of
// mailsuite-tcpserver's sessions are in use, a session waiting for a
// command gives the client at most control/timeoutstress seconds instead
// of timeoutsmtpd.
//
// How a session learns of it (no shared memory, DESIGN.md "How programs
// talk"): the listener installs the handlers below before it forks, so
// every in-process session inherits them and the flag's value at its
// fork (a session started under stress begins in stress mode).  When the
// mode changes, the listener sends SIGUSR1 (on) or SIGUSR2 (off) to each
// of its in-process sessions; the handler only sets the flag.  The
// handler is installed without SA_RESTART, so a session blocked in
// poll(2) for its next command wakes with EINTR, sees the flag and
// recomputes its deadline from the moment it began waiting (an idle
// session past timeoutstress ends at once with 421 4.4.2).  Exec'd
// programs are never signalled (exec resets handlers; the signal would
// kill them).
#ifndef MAILSUITE_SMTPD_STRESS_MODE_H_
#define MAILSUITE_SMTPD_STRESS_MODE_H_

namespace ms::smtpd {

inline constexpr int kStressOnSignal = 10;   // SIGUSR1 on Linux
inline constexpr int kStressOffSignal = 12;  // SIGUSR2 on Linux

// The listener, before its first fork.  Returns false when sigaction fails.
bool InstallStressHandlers();
// The listener's own copy of the flag, inherited by sessions forked later.
void SetUnderStress(bool on);
bool UnderStress();

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_STRESS_MODE_H_
