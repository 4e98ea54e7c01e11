// The byte stream an SMTP session runs over.  A plain TCP socket today;
// the STARTTLS work (issue 8) wraps a connected SocketTransport in a TLS
// transport with the same interface, and the session does not change.
#ifndef MAILSUITE_REMOTE_TRANSPORT_H_
#define MAILSUITE_REMOTE_TRANSPORT_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "deadline.h"
#include "fd.h"
#include "ip_address.h"
#include "result.h"

namespace ms::remote {

class Transport {
 public:
  virtual ~Transport() = default;
  // >0 bytes read, 0 end of stream, -1 error, -2 deadline passed.
  virtual ssize_t Read(char* buf, size_t len, const Deadline& deadline) = 0;
  // Everything or false; *timed_out says whether the deadline was the cause.
  virtual bool Write(std::string_view data, const Deadline& deadline, bool* timed_out) = 0;
};

class SocketTransport final : public Transport {
 public:
  explicit SocketTransport(UniqueFd fd) : fd_(std::move(fd)) {}
  int fd() const { return fd_.get(); }
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override;
  bool Write(std::string_view data, const Deadline& deadline, bool* timed_out) override;

 private:
  UniqueFd fd_;
};

// A non-blocking TCP connection to ip:port, established before deadline.
// Error text: "connection refused", "timed out", ...
Result<UniqueFd> ConnectTcp(const IpAddress& ip, uint16_t port, const Deadline& deadline);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_TRANSPORT_H_
