// A message as a POP3 multi-line response body (RFC 1939 section 3):
// every line ends in CRLF (a bare LF, the Maildir norm, becomes CRLF; an
// existing CRLF stays), a line starting with '.' gets another '.'
// (byte-stuffing), a last line without a line end is ended, and the
// terminating ".CRLF" follows.  For TOP the headers, the blank line and
// then at most `body_lines` body lines are sent.
//
// The converter works on chunks of any size and keeps its state between
// them, so a 50 MB message streams through one large buffer.
#ifndef MAILSUITE_POP3D_MESSAGE_STREAM_H_
#define MAILSUITE_POP3D_MESSAGE_STREAM_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "pop3d/output.h"

namespace ms::pop3d {

class MessageConverter {
 public:
  static constexpr int64_t kWholeMessage = -1;
  explicit MessageConverter(int64_t body_lines = kWholeMessage) : body_lines_(body_lines) {}

  // Appends the converted chunk to *out.  Returns false once the TOP limit
  // is reached (the rest of the message is not needed).
  bool Feed(std::string_view chunk, std::string* out);
  // Ends the last line if needed and appends the terminating ".CRLF".
  void Finish(std::string* out);
  bool done() const { return done_; }

 private:
  int64_t body_lines_;
  int64_t body_lines_sent_ = 0;
  bool in_headers_ = true;
  bool at_line_start_ = true;
  bool prev_cr_ = false;        // the last byte fed was CR
  uint64_t line_length_ = 0;    // bytes of the current line so far (CR included)
  bool done_ = false;
};

enum class SendResult { kSent, kOpenFailed, kReadFailed, kWriteFailed };

// Opens path relative to dir_fd and streams it, converted, to out (the
// caller has already put the +OK line there).  kOpenFailed means nothing
// was written; any later failure leaves a partial response and the
// session must end.
SendResult SendMessage(int dir_fd, const std::string& path, int64_t body_lines, Output& out);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_MESSAGE_STREAM_H_
