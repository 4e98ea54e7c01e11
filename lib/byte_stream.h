// The byte stream every session talks over (smtpd, pop3d, remote): plain
// file descriptors (FdStream) or TLS (TlsStream, lib/tls.h), so STARTTLS
// and STLS swap one for the other without the session noticing.  Every
// call is bounded by a Deadline.
#ifndef MAILSUITE_LIB_BYTE_STREAM_H_
#define MAILSUITE_LIB_BYTE_STREAM_H_

#include <sys/types.h>

#include <string_view>

#include "deadline.h"

namespace ms {

// Results of Read and ReadThroughNewline besides a byte count.
inline constexpr ssize_t kStreamError = -1;
inline constexpr ssize_t kStreamTimeout = -2;

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // >0 bytes read, 0 end of stream, kStreamError or kStreamTimeout.
  virtual ssize_t Read(char* buf, size_t len, const Deadline& deadline) = 0;
  // Like Read, but consumes nothing after the first LF it returns, so that
  // what the peer pipelined after a line stays unread for whoever reads
  // the connection next (pop3d's post-login process after PASS).
  virtual ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) = 0;
  // Writes all of data: false on error or timeout (*timed_out, when
  // given, says which).
  virtual bool Write(std::string_view data, const Deadline& deadline, bool* timed_out = nullptr) = 0;
};

// Plain file descriptors: a socket (read and write the same fd) or
// tcpserver's fd 0 and fd 1, or pipes.  The fds are not owned.
class FdStream : public ByteStream {
 public:
  FdStream(int in, int out) : in_(in), out_(out) {}
  // On a socket each call is tried first without blocking (MSG_DONTWAIT,
  // whatever the descriptor's flags) and waits (poll) only when it would
  // block: a session's reply is almost always sent at once, and a line or
  // a DATA block is usually there already, so this halves a session's
  // system calls.  A pipe or file: poll, then read or write, as before.
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override;
  // A socket: peek, then take up to the LF (one or two system calls per
  // line); a pipe cannot be peeked at: one byte at a time.
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override;
  bool Write(std::string_view data, const Deadline& deadline, bool* timed_out = nullptr) override;

 private:
  int in_;
  int out_;
  bool not_a_socket_ = false;      // a recv on in_ failed with ENOTSOCK once
  bool out_not_a_socket_ = false;  // a send on out_ failed with ENOTSOCK once
};

// A stream whose inner stream STLS replaces mid-session (pop3d: the line
// reader and the reply output keep pointing here).
class SwitchableStream : public ByteStream {
 public:
  explicit SwitchableStream(ByteStream* inner) : inner_(inner) {}
  void set_inner(ByteStream* inner) { inner_ = inner; }
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override {
    return inner_->Read(buf, len, deadline);
  }
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override {
    return inner_->ReadThroughNewline(buf, len, deadline);
  }
  bool Write(std::string_view data, const Deadline& deadline, bool* timed_out = nullptr) override {
    return inner_->Write(data, deadline, timed_out);
  }

 private:
  ByteStream* inner_;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_BYTE_STREAM_H_
