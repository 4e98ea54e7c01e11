// mailsuite-qmqpc: a drop-in queue program (QMAILQUEUE, or the back end of
// mailsuite-inject/sendmail) that hands each message over QMQP to the
// first server of control/qmqpservers that takes it: a null client with
// no queue of its own (qmqp/qmqpc.h, qmqp/QMQP.md, INSTALL).
#include <fcntl.h>
#include <csignal>
#include <unistd.h>

#include "log.h"
#include "qmqp/qmqpc.h"
#include "signals.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-qmqpc");
  ms::SetLogProgram("mailsuite-qmqpc");
  // Before anything is opened: was fd 6 (the caller's reply pipe) given?
  // If not, hold the number so no socket of ours lands on it.
  bool fd6_open = ::fcntl(6, F_GETFD) != -1;
  if (!fd6_open) {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd != 6) {
      ::dup3(fd, 6, O_CLOEXEC);
      ::close(fd);
    }
  }
  ms::IgnoreSignal(SIGPIPE);  // a server that closes early is an error, not a signal
  return ms::qmqp::RunQmqpc(fd6_open);
}
