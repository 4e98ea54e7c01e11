// One message through the qmail-queue protocol (QUEUE.md) in the calling
// process: mailsuite-queue's main runs it once; smtpd's queue helper
// (smtpd/QUEUE_HELPER.md), forked before smtpd reads any input, runs it for
// each message of a session without an exec.
#ifndef MAILSUITE_QUEUE_QUEUE_RUN_H_
#define MAILSUITE_QUEUE_QUEUE_RUN_H_

#include <sys/types.h>

namespace ms::queue {

// Once per process: umask 027, SIGPIPE ignored, and the SIGALRM handler
// that removes an uncommitted file and exits 52 (timeoutqueue).
void PrepareQueueProcess();

// For smtpd's queue helper: at the timeoutqueue alarm, before exiting 52,
// also send that code as one byte on `socket` (the answer smtpd waits
// for), since smtpd may not be the parent that could reap us.
void ReportTimeoutTo(int socket);

// Reads the message from message_fd and the envelope from envelope_fd,
// queues it and pokes the trigger.  Returns the exit code of queue_exit.h;
// a failure is logged on fd 2.  invoker_uid is named in the Received line.
// The timeoutqueue alarm runs only during the call.
int QueueOneMessage(int message_fd, int envelope_fd, uid_t invoker_uid);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QUEUE_RUN_H_
