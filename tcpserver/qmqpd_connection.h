// mailsuite-tcpserver's child for one QMQP connection when the program is
// our own mailsuite-qmqpd: qmqpd's code in this very process (no exec),
// with a pooled queue helper (TCPSERVER.md "QMQP").
#ifndef MAILSUITE_TCPSERVER_QMQPD_CONNECTION_H_
#define MAILSUITE_TCPSERVER_QMQPD_CONNECTION_H_

#include "tcpserver/tcpserver_options.h"

namespace ms::smtpd {

// Serves the connection on fd and exits: 100 when the rules deny it, 111
// when they cannot be read, else qmqpd's exit code.  helper_socket (or
// -1): a socket to a pooled queue helper, handed to qmqpd.  qmqpd runs as
// the session user alone (the -u uid), never with the queue owner's id.
[[noreturn]] void ServeQmqpConnection(int fd, const TcpServerOptions& options, int helper_socket);

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_QMQPD_CONNECTION_H_
