// A pooled smtpd session worker (SMTPD_WORKERS.md): a process forked by
// mailsuite-tcpserver that, as the session user alone, serves the
// connections the listener hands it one after another, each exactly as
// the child forked for one connection would (tcp_connection.h), with the
// environment and every piece of session state new for each.
#ifndef MAILSUITE_TCPSERVER_SMTPD_WORKER_H_
#define MAILSUITE_TCPSERVER_SMTPD_WORKER_H_

#include "tcpserver/tcpserver_options.h"

namespace ms::smtpd {

// The worker's own descriptors (close-on-exec), which no session sees
// as anything but a number it did not open: its socket to the listener
// and, when there is one, to the filter pool's keeper.  Everything else
// above fd 2 is closed after each connection.
inline constexpr int kWorkerControl = 10;
inline constexpr int kWorkerFilterControl = 11;

// In the child the pool forked, its fds arranged (0 and 1 /dev/null, 2
// the log, kWorkerControl, kWorkerFilterControl or nothing): takes the
// session user as its only identity, then serves up to max_use
// connections; exits 0 when the listener closes its socket or after the
// last one, 111 if the identity switch fails.
[[noreturn]] void RunSmtpdWorker(const TcpServerOptions& options, unsigned max_use);

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_SMTPD_WORKER_H_
