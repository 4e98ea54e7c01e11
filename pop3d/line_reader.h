// Splits the client's input into command lines.
//
// A line ends at LF; a CR before it is dropped.  RFC 2449 limits a command
// line to 255 octets and a reply to 512; we accept lines up to 512 octets
// including CRLF and reject longer ones as a whole: the rest of an
// over-long line, up to its LF, is read and thrown away, so its tail is
// never taken for a command.
#ifndef MAILSUITE_POP3D_LINE_READER_H_
#define MAILSUITE_POP3D_LINE_READER_H_

#include <string>
#include <string_view>

#include "transport.h"

namespace ms::pop3d {

inline constexpr size_t kMaxLine = 512;  // octets, CRLF included

enum class ReadStatus { kLine, kTooLong, kEof, kTimeout, kError };

class LineReader {
 public:
  // read_ahead false: never consume input past the current line (see
  // Transport::ReadThroughNewline); used before login.
  LineReader(Transport& transport, bool read_ahead)
      : transport_(transport), read_ahead_(read_ahead) {}

  // The next line without its line end, valid until the next call.
  ReadStatus Next(std::string_view* line, const Deadline& deadline);
  // Whether a whole line is already buffered (no read needed for it): the
  // command loop flushes its replies only before it would block.
  bool HasBufferedLine() const;
  // Drops everything buffered.  After STLS, bytes the client sent before
  // the TLS handshake must never be taken as commands (CVE-2011-0411).
  void DiscardBuffered();

 private:
  Transport& transport_;
  bool read_ahead_;
  std::string buffer_;
  size_t start_ = 0;       // first unconsumed byte in buffer_
  bool discarding_ = false;  // inside the tail of an over-long line
};

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_LINE_READER_H_
