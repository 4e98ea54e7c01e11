// mailsuite-qmqpd: the QMQP server, run by tcpserver on port 628 (access
// through tcprules only): one request on fd 0, the message to
// $QMAILQUEUE or mailsuite-queue, one reply on fd 1.  Protocol, limits
// and replies: qmqp/QMQP.md.  Like smtpd it is meant to run as the
// daemon account (the setup's run script: mailsuite-tcpserver -u), never
// as root.  mailsuite-tcpserver runs the same program (RunQmqpd) in its
// connection's child, without this exec, with a pooled queue helper.
#include "qmqp/qmqpd_main.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-qmqpd");
  return ms::qmqp::RunQmqpd();
}
