#include "tcpserver/qmqpd_connection.h"

#include <unistd.h>

#include "log.h"
#include "qmqp/qmqpd_main.h"
#include "smtpd/queue_helper.h"
#include "tcpserver/tcp_connection.h"
#include "tcpserver/tcpserver_identity.h"

namespace ms::smtpd {

void ServeQmqpConnection(int fd, const TcpServerOptions& options, int helper_socket) {
  // Unlike smtpd, qmqpd never forks a helper of its own (without the
  // leased one it execs the set-uid mailsuite-queue, as under tcpserver):
  // the session user becomes its real, effective and saved uid, as in a
  // pooled smtpd worker, before anything else — the rules included.
  if (Status s = TakeWorkerIdentity(); !s.ok()) {
    LogLine("error").Add("what", "setuid").Add("error", s.error().message).Emit();
    ::_exit(111);
  }
  if (int code = PrepareConnection(fd, options); code >= 0) ::_exit(code);
  if (::dup2(fd, 0) != 0 || ::dup2(fd, 1) != 1) ::_exit(111);
  // Nothing of the parent's but fds 0-2 and the helper's socket (as fd 3)
  // reaches qmqpd: not the listening socket, not the other helpers'.
  int helper_fd = -1;
  if (helper_socket >= 0) {
    if (helper_socket != kHelperSocket && ::dup2(helper_socket, kHelperSocket) != kHelperSocket) ::_exit(111);
    helper_fd = kHelperSocket;
    ::close_range(kHelperSocket + 1, ~0U, 0);
  } else {
    ::close_range(3, ~0U, 0);
  }
  ::_exit(qmqp::RunQmqpd(helper_fd));
}

}  // namespace ms::smtpd
