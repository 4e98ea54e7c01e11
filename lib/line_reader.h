// Lines (and bulk bytes) from a ByteStream through one fixed buffer, for
// smtpd and pop3d.
//
// A line ends at LF; a CR before it is dropped.  A line longer than the
// caller's limit (LF included) is rejected as a whole: the rest of it, up
// to its LF, is read and thrown away, so its tail is never taken for a
// command, and memory stays bounded whatever the peer sends.
//
// Discard() drops everything buffered: after STARTTLS/STLS nothing the
// client pipelined before the handshake may be taken as a command
// (CVE-2011-0411, the STARTTLS command-injection class).
#ifndef MAILSUITE_LIB_LINE_READER_H_
#define MAILSUITE_LIB_LINE_READER_H_

#include <cstddef>
#include <string_view>

#include "byte_stream.h"
#include "deadline.h"

namespace ms {

enum class ReadStatus { kOk, kTooLong, kEof, kTimeout, kError };

class LineReader {
 public:
  static constexpr size_t kBufferSize = 16384;  // the longest line limit allowed

  // read_ahead false: never consume input past the current line (see
  // ByteStream::ReadThroughNewline).
  explicit LineReader(ByteStream* stream = nullptr, bool read_ahead = true)
      : stream_(stream), read_ahead_(read_ahead) {}
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  void set_stream(ByteStream* stream) { stream_ = stream; }
  ByteStream* stream() const { return stream_; }

  // The next line without its line end, valid until the next call; max:
  // the longest accepted line in octets, LF included (<= kBufferSize).
  ReadStatus Next(std::string_view* line, size_t max, const Deadline& deadline);
  // Whether a whole line is already buffered (no read needed for it): the
  // sessions flush their replies only before they would block.
  bool HasBufferedLine() const;

  // Bulk access (smtpd's DATA, without a copy): the bytes read but not yet
  // consumed; Fill reads more only when none are pending.
  std::string_view Pending() const { return std::string_view(buf_ + pos_, len_ - pos_); }
  bool HasPending() const { return pos_ < len_; }
  void Consume(size_t n) { pos_ += n; }
  ReadStatus Fill(const Deadline& deadline);

  // Drops everything buffered.
  void Discard() {
    pos_ = len_ = 0;
    discarding_ = false;
  }

 private:
  ReadStatus ReadMore(const Deadline& deadline);

  ByteStream* stream_;
  bool read_ahead_;
  char buf_[kBufferSize];
  size_t pos_ = 0;           // first unconsumed byte
  size_t len_ = 0;           // end of the bytes read
  bool discarding_ = false;  // inside the tail of an over-long line
};

}  // namespace ms

#endif  // MAILSUITE_LIB_LINE_READER_H_
