// Turns a stored message into SMTP DATA content (RFC 5321 section 4.5.2).
//
// The stored message may end lines with LF (qmail style), CRLF, or — from
// a careless sender — a lone CR.  Every one of the three is a line end and
// is sent as CRLF, so no byte sequence in a message can look like the end
// of DATA to any receiver (the SMTP smuggling class: "\n.\r\n", "\r.\r").
// A line that starts with '.' gets a second '.'; the message is closed
// with CRLF (if its last line had none) and ".\r\n".  8-bit bytes and NUL
// bytes pass unchanged.  Works on chunks of any size, state carried over.
#ifndef MAILSUITE_REMOTE_MESSAGE_ENCODER_H_
#define MAILSUITE_REMOTE_MESSAGE_ENCODER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ms::remote {

class MessageEncoder {
 public:
  // Appends the encoding of the next chunk of the message to *out.
  void Encode(std::string_view chunk, std::string* out);
  // Appends the end: a final CRLF when needed, then ".\r\n".
  void Finish(std::string* out);

 private:
  bool at_line_start_ = true;
  bool pending_cr_ = false;  // a CR whose LF may be the next byte
};

// What the client must know before MAIL FROM: the size to declare
// (SIZE=, RFC 1870: the size once lines end in CRLF) and whether 8-bit
// bytes appear (BODY=8BITMIME, RFC 6152).
struct MessageFacts {
  uint64_t crlf_size = 0;
  bool eight_bit = false;
  // Needs SMTPUTF8 (RFC 6531): the queue's mark, or a non-ASCII address
  // in the envelope remote was given (set by mailsuite-remote's main).
  bool smtputf8 = false;
};

// Adds chunk to facts.  Counts each LF not preceded by CR as one more
// byte; exact for LF and CRLF messages, an estimate when lone CRs occur.
void ScanMessageChunk(std::string_view chunk, bool* last_was_cr, MessageFacts* facts);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_MESSAGE_ENCODER_H_
