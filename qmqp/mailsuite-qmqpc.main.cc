// mailsuite-qmqpc: a drop-in queue program (QMAILQUEUE, or the back end of
// mailsuite-inject/sendmail) that hands each message over QMQP to the
// first server of control/qmqpservers that takes it: a null client with
// no queue of its own (qmqp/qmqpc.h, qmqp/QMQP.md, INSTALL).
#include <csignal>

#include "log.h"
#include "queue_client.h"
#include "qmqp/qmqpc.h"
#include "signals.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-qmqpc");
  ms::SetLogProgram("mailsuite-qmqpc");
  // Before anything is opened: was fd 6 (the reply text) given?
  bool fd6_open = ms::HoldFilterReplyFd();
  ms::IgnoreSignal(SIGPIPE);  // a server that closes early is an error, not a signal
  return ms::qmqp::RunQmqpc(fd6_open);
}
