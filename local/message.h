// The message being delivered, as a byte range of a regular file.
//
// fd 0 is read through lib/message_input.h: a mailsuite queue file (the
// message is its message region; the envelope after it must never reach a
// mailbox), a plain file, or a stream.  A stream is spooled once into an
// unlinked temporary file, so every delivery can reread the message with
// pread/copy_file_range at explicit offsets and never moves fd 0.
#ifndef MAILSUITE_LOCAL_MESSAGE_H_
#define MAILSUITE_LOCAL_MESSAGE_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <sys/types.h>

#include <optional>

#include "fd.h"
#include "result.h"

namespace ms::local {

class Message {
 public:
  static Result<Message> Open(int fd);

  int fd() const { return fd_; }
  // The device of the mailsuite queue file we deliver from, if fd 0 is
  // one (the scheduler removes it there once we report success).
  std::optional<dev_t> queue_device() const { return queue_device_; }
  uint64_t offset() const { return offset_; }
  uint64_t length() const { return length_; }

  // Reads message bytes [pos, pos+len) (pos relative to the message).
  ssize_t ReadAt(char* buf, size_t len, uint64_t pos) const;
  // Appends the whole message to out (a regular file or a pipe), using
  // copy_file_range or sendfile where the kernel allows.
  Status CopyTo(int out) const;
  // An fd holding exactly the message at offset 0, positioned at 0: fd 0
  // itself when it is one, else a copy in an unlinked temporary file
  // (made once).  For programs, which must see neither a queue header
  // nor an envelope.
  Result<int> StandaloneFd();

 private:
  int fd_ = -1;
  uint64_t offset_ = 0;
  uint64_t length_ = 0;
  bool whole_file_ = false;  // [offset,length) is the whole of fd_
  std::optional<dev_t> queue_device_;
  UniqueFd spool_;           // the temporary file, when we made one
  UniqueFd standalone_;
};

// An unlinked read-write temporary file ($TMPDIR, /tmp, else memory).
Result<UniqueFd> AnonymousFile();

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_MESSAGE_H_
