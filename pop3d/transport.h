// The byte stream a POP3 session talks over.  Plain TCP (fd 0 in, fd 1
// out, as tcpserver passes the socket) today; STLS (RFC 2595, issue 8)
// replaces it with a TLS transport over the same fds without touching the
// command loop, which sees only this interface.
#ifndef MAILSUITE_POP3D_TRANSPORT_H_
#define MAILSUITE_POP3D_TRANSPORT_H_

#include <sys/types.h>

#include <string_view>

#include "deadline.h"

namespace ms::pop3d {

// Results of Read and ReadThroughNewline besides a byte count.
inline constexpr ssize_t kTransportError = -1;
inline constexpr ssize_t kTransportTimeout = -2;

class Transport {
 public:
  virtual ~Transport() = default;
  // >0 bytes read, 0 end of input, kTransportError or kTransportTimeout.
  virtual ssize_t Read(char* buf, size_t len, const Deadline& deadline) = 0;
  // Like Read, but consumes nothing after the first LF it returns, so that
  // what the client pipelined after a line stays unread for whoever
  // reads the connection next (the post-login process after PASS).
  virtual ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) = 0;
  // Writes all of data; false on error or timeout.
  virtual bool Write(std::string_view data, const Deadline& deadline) = 0;
};

// Plain file descriptors (a socket or pipes).
class FdTransport : public Transport {
 public:
  FdTransport(int in, int out) : in_(in), out_(out) {}
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override;
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override;
  bool Write(std::string_view data, const Deadline& deadline) override;

 private:
  int in_;
  int out_;
  bool not_a_socket_ = false;  // recv(MSG_PEEK) failed with ENOTSOCK once
};

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_TRANSPORT_H_
