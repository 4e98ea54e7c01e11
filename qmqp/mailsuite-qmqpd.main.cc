// mailsuite-qmqpd: the QMQP server, run by tcpserver on port 628 (access
// through tcprules only): one request on fd 0, the message to
// $QMAILQUEUE or mailsuite-queue, one reply on fd 1.  Protocol, limits
// and replies: qmqp/QMQP.md.  Like smtpd it is meant to run as the
// daemon account (the setup's run script: tcpserver -U), never as root.
#include <csignal>

#include "control.h"
#include "log.h"
#include "qmqp/qmqpd.h"
#include "signals.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-qmqpd");
  ms::SetLogProgram("mailsuite-qmqpd");
  ms::IgnoreSignal(SIGPIPE);  // lib/queue_client: a queue program that stops reading
  auto config = ms::qmqp::LoadQmqpdConfig(ms::Control());
  if (!config) {
    // No reply: a close is a temporary failure for the client.
    ms::LogLine("fatal").Add("reason", config.error().message).Emit();
    return 111;
  }
  return ms::qmqp::ServeQmqp(0, 1, *config);
}
