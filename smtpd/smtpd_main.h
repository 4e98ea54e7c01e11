#ifndef MAILSUITE_SMTPD_SMTPD_MAIN_H_
#define MAILSUITE_SMTPD_SMTPD_MAIN_H_

#include <functional>

#include "fd.h"

namespace ms::smtpd {

// How a pooled session worker (tcpserver/SMTPD_WORKERS.md) gets a queue
// helper: asked for when MAIL opens the session's first transaction, so
// an idle session holds none; an invalid fd: none (the queue program is
// exec'd, as without a helper).
using HelperLease = std::function<UniqueFd()>;

// mailsuite-smtpd's whole program: one SMTP session on fd 0/1 (the
// client's connection), with the environment and control files of
// smtpd/README.md; argv[1..] is the checkpassword program for AUTH.  Both
// mailsuite-smtpd (exec'd by tcpserver) and mailsuite-tcpserver (in the
// child it forks for a connection, tcpserver/TCPSERVER.md) run it; the latter hands
// it helper_socket, a socket to one of its pooled queue helpers
// (QUEUE_HELPER.md "The pool"), where mailsuite-smtpd passes -1 and forks
// its own; and filter_socket, the session's socket to the pool of
// mailsuite-filter workers when $QMAILQUEUE names that filter
// (filter/FILTER_POOL.md), else -1.  lease (a session worker's, with
// helper_socket -1): the queue helper is leased at the first MAIL instead
// of at start.  Returns the process's exit code.  A worker runs it once
// per connection: everything of a session lives in this call's frame.
int RunSmtpd(int argc, char** argv, int helper_socket = -1, int filter_socket = -1,
             const HelperLease* lease = nullptr);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_SMTPD_MAIN_H_
