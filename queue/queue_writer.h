// Writes one message into the queue as queue/FORMAT.md ("Writing")
// prescribes: a single unnamed file in tmp/ holding header, message and
// envelope, linked into mess/ and fsynced (or, where that one fsync does
// not commit the new name, a named tmp/ file, fsynced, renamed, then mess/
// fsynced).
//
// Syscall budget for a message that fits the buffer (the common case):
// read(0) until EOF, read(1), open(O_TMPFILE)+fstat, one writev of
// everything (header included, so no pwrite), linkat, fsync (with a named
// file: open+flock instead, and an fsync before the rename and
// open+fsync of mess/ where one fsync is not enough).  Bigger messages are streamed through the same constant-size
// buffer and get their header with one pwrite at the end.
#ifndef MAILSUITE_QUEUE_QUEUE_WRITER_H_
#define MAILSUITE_QUEUE_QUEUE_WRITER_H_

#include <sys/types.h>

#include <ctime>
#include <string>

#include "result.h"

namespace ms::queue {

struct QueueRequest {
  std::string queue_root;
  pid_t pid = 0;  // names the file in tmp/
  std::string received_line;  // the complete line, "\n"-terminated
  int message_fd = 0;
  int envelope_fd = 1;
};

struct Queued {
  std::string id;
};

// On failure the Error's code is the exit code (queue_exit.h) and no file
// is left behind.
Result<Queued> WriteToQueue(const QueueRequest& request);

// Called from the SIGALRM handler: removes the file being written, if the
// message has not been committed yet, and says whether it did.
bool AbandonUncommittedFile();

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QUEUE_WRITER_H_
