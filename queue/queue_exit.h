// Exit codes of mailsuite-queue: qmail-queue(8)'s, as DESIGN fixes them.
// 11-40 are permanent, the rest temporary.  queue/QUEUE.md lists which
// condition gives which code.
#ifndef MAILSUITE_QUEUE_QUEUE_EXIT_H_
#define MAILSUITE_QUEUE_QUEUE_EXIT_H_

namespace ms::queue {

enum QueueExit : int {
  kQueued = 0,
  kAddressTooLong = 11,
  kOutOfMemory = 51,
  kTimeout = 52,
  kWriteError = 53,       // disk full or any other write/fsync failure
  kUnreadableInput = 54,  // reading the message or the envelope failed
  kBadConfig = 55,        // a control file could not be read or parsed
  kQueueRoot = 62,        // the queue directory is missing or unusable
  kQueueTmp = 63,         // creating the file in tmp/ failed
  kQueueMess = 64,        // renaming into mess/ or syncing mess/ failed
  kInternalBug = 81,
  kEnvelopeFormat = 91,
};

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QUEUE_EXIT_H_
