// mailsuite-queue: the qmail-queue interface.  Message on fd 0, envelope
// on fd 1, exit code as queue_exit.h / QUEUE.md.  Runs set-uid to the
// queue owner, so it reads no MAILSUITE_* override (paths.h).
#include <unistd.h>

#include "become_user.h"
#include "log.h"
#include "queue/queue_run.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-queue");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  ms::SetLogProgram("mailsuite-queue");
  ms::queue::PrepareQueueProcess();
  ::_exit(ms::queue::QueueOneMessage(0, 1, ::getuid()));
}
