// The message a deliverer (mailsuite-local, mailsuite-remote) reads on fd 0.
//
// fd 0 is either an ordinary stream that ends where the message ends
// (qmail-local/qmail-remote compatible), or — as mailsuite-send passes it,
// to avoid copying — a mailsuite queue file (queue/FORMAT.md) opened
// read-only: then the message is the [message_offset, +message_length)
// region only, and the envelope after it is not part of the message.
// Detection: fd 0 is a regular file whose first 64 bytes parse as an MSQ1
// header matching the file size.
#ifndef MAILSUITE_LIB_MESSAGE_INPUT_H_
#define MAILSUITE_LIB_MESSAGE_INPUT_H_

#include <sys/types.h>

#include <cstdint>

#include "result.h"

namespace ms {

struct MessageInput {
  int fd = 0;
  bool seekable = false;     // a regular file: Rewind() works
  bool bounded = false;      // length is known (queue file or plain file)
  uint64_t offset = 0;       // where the message starts in fd
  uint64_t length = 0;       // its length when bounded
  uint64_t consumed = 0;     // bytes handed out by Read since Rewind
  // A queue file whose envelope has the SMTPUTF8 mark (lib/envelope.h,
  // "F sender \0 U \0 ..."): the message needs SMTPUTF8.
  bool smtputf8 = false;

  // Reads up to len bytes of the message; 0 at its end, -1 on error.
  ssize_t Read(char* buf, size_t len);
  // Back to the start of the message (seekable inputs only).
  bool Rewind();
};

// Inspects fd and positions it at the start of the message.
Result<MessageInput> OpenMessageInput(int fd);

}  // namespace ms

#endif  // MAILSUITE_LIB_MESSAGE_INPUT_H_
