// mailsuite-qmqpd's whole program, so that both its main (exec'd by
// tcpserver) and mailsuite-tcpserver (in the child it forks for a
// connection, without an exec: tcpserver/TCPSERVER.md) run it.
#ifndef MAILSUITE_QMQP_QMQPD_MAIN_H_
#define MAILSUITE_QMQP_QMQPD_MAIN_H_

namespace ms::qmqp {

// One QMQP request on fd 0, its reply on fd 1 (QMQP.md), with the
// environment and control files described there.  helper_socket: a socket
// to one of mailsuite-tcpserver's pooled queue helpers (smtpd/
// QUEUE_HELPER.md "The pool"), taken over (and closed) here; the message
// then goes to that helper instead of an exec'd mailsuite-queue, unless
// $QMAILQUEUE is set.  -1 (mailsuite-qmqpd's main): mailsuite-queue or
// $QMAILQUEUE is exec'd.  The caller has already given up every identity
// but the session user's.  Returns the process's exit code.
int RunQmqpd(int helper_socket = -1);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_QMQPD_MAIN_H_
