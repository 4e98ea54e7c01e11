// Buffered replies.  Replies to pipelined commands are collected and sent
// in one write when the command loop would wait for input; a long
// response (RETR of a large message) goes out in big chunks as it is
// produced.  A failed or timed-out write makes the output "failed": the
// session then ends without touching the mailbox.
#ifndef MAILSUITE_POP3D_OUTPUT_H_
#define MAILSUITE_POP3D_OUTPUT_H_

#include <string>
#include <string_view>

#include "byte_stream.h"

namespace ms::pop3d {

class Output {
 public:
  // Each write may wait for the client at most timeout_seconds.
  Output(ByteStream& transport, int timeout_seconds)
      : transport_(transport), timeout_seconds_(timeout_seconds) {}

  void Put(std::string_view text) {
    buffer_ += text;
    if (buffer_.size() >= kFlushAt) Flush();
  }
  // Direct access for producers that append in place (message streaming);
  // they call FlushIfFull after appending.
  std::string& buffer() { return buffer_; }
  void FlushIfFull() {
    if (buffer_.size() >= kFlushAt) Flush();
  }
  bool Flush();
  bool failed() const { return failed_; }
  uint64_t bytes_written() const { return written_; }

  static constexpr size_t kFlushAt = 256 * 1024;

 private:
  ByteStream& transport_;
  int timeout_seconds_;
  std::string buffer_;
  bool failed_ = false;
  uint64_t written_ = 0;
};

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_OUTPUT_H_
