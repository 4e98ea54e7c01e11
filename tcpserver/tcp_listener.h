// mailsuite-tcpserver's parent: the listening socket and the accept loop.
// It never reads a byte from a connection; each one is served by a child
// it forks (tcp_connection.h).
#ifndef MAILSUITE_SMTPD_TCP_LISTENER_H_
#define MAILSUITE_SMTPD_TCP_LISTENER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "fd.h"
#include "result.h"
#include "tcpserver/queue_helper_pool.h"
#include "tcpserver/smtpd_worker_pool.h"

namespace ms::smtpd {

// A listening TCP socket on host ("0": every IPv4 address; otherwise an
// IPv4 or IPv6 literal) and port, SO_REUSEADDR set, close-on-exec.
Result<UniqueFd> BindListener(const std::string& host, uint16_t port, int backlog);

// The port a socket is bound to (for -1 with port 0).
uint16_t BoundPort(int fd);

// What the listener holds each client to (issue 22; TCPSERVER.md
// "Connection limits"), read from control files at start.
struct ConnectionPolicy {
  unsigned max_per_ip = 20;       // control/maxperip; 0: no limit
  unsigned rate_per_minute = 0;   // control/ratelimit; 0: no limit
  bool signal_stress = false;     // sessions run in-process: tell them of stress mode
  // The program speaks POP3 (our mailsuite-pop3d): a refused client gets
  // POP3's "-ERR" (RFC 1939), not SMTP's 421, so its client shows the text.
  bool pop3 = false;
};

// Accepts connections until SIGTERM, with at most limit children at once
// (beyond that it stops accepting, as tcpserver does, and the kernel's
// backlog holds the callers).  For each connection it forks; the child
// runs serve(connection) with the parent's signal handling undone, and
// serve must not return.  verbosity 2 logs each child's start and end;
// 1 and 2 log when the limit is reached.  With a pool, each connection
// also gets a socket to one of its queue helpers (-1 when none could be
// had): serve(connection, helper_socket).  A client over policy's limits
// gets a 421 from the listener itself and no child.  With workers
// (SMTPD_WORKERS.md) a connection is handed to a pooled session worker
// instead of a fork, serve is not used, and the workers' queue helpers
// come from pool when they ask.  filter_control: the listener's end of
// the filter pool's control socket (filter_pool_start.h), watched only to
// say, once, when the pool is gone (-1: none).  Returns the exit code.
int RunAcceptLoop(int listener, unsigned limit, int verbosity, QueueHelperPool* pool,
                  const ConnectionPolicy& policy, const std::function<void(int, int)>& serve,
                  SmtpdWorkerPool* workers = nullptr, int filter_control = -1);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TCP_LISTENER_H_
