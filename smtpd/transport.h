// The byte stream between smtpd and its client.  Everything the session
// reads and writes goes through a Transport, so STARTTLS can swap the
// plain fd transport for a TLS one mid-session; and through one
// InputBuffer, whose Discard() drops whatever the client pipelined before
// the switch (CVE-2011-0411, the STARTTLS command-injection class).
#ifndef MAILSUITE_SMTPD_TRANSPORT_H_
#define MAILSUITE_SMTPD_TRANSPORT_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "deadline.h"

namespace ms::smtpd {

class Transport {
 public:
  virtual ~Transport() = default;
  // >0 bytes, 0 end of stream, -1 error, -2 timeout (ReadWithDeadline's).
  virtual ssize_t Read(char* buf, size_t len, const Deadline& deadline) = 0;
  virtual bool Write(std::string_view data, const Deadline& deadline) = 0;
};

// The socket tcpserver gives us: read fd 0, write fd 1.
class FdTransport : public Transport {
 public:
  FdTransport(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override;
  bool Write(std::string_view data, const Deadline& deadline) override;

 private:
  int in_fd_;
  int out_fd_;
};

enum class ReadStatus { kOk, kEof, kTimeout, kError };

// A fixed-size read buffer over a Transport.
class InputBuffer {
 public:
  static constexpr size_t kSize = 16384;

  void set_transport(Transport* transport) { transport_ = transport; }
  Transport* transport() const { return transport_; }

  // Bytes read but not yet consumed.
  std::string_view Pending() const { return std::string_view(buf_ + pos_, len_ - pos_); }
  void Consume(size_t n) { pos_ += n; }
  bool HasPending() const { return pos_ < len_; }
  // Drops everything buffered (after STARTTLS).
  void Discard() { pos_ = len_ = 0; }
  // Reads more when nothing is pending.
  ReadStatus Fill(const Deadline& deadline);

  // Reads one line ending in LF (an optional CR before it removed) into
  // *line.  A line longer than max octets (LF included) is consumed to its
  // end and reported with *too_long set and *line empty: memory stays
  // bounded whatever the client sends.
  ReadStatus ReadLine(std::string* line, size_t max, bool* too_long, const Deadline& deadline);

 private:
  Transport* transport_ = nullptr;
  char buf_[kSize];
  size_t pos_ = 0;
  size_t len_ = 0;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TRANSPORT_H_
