// The DATA state machine: turns the SMTP data stream into the message as
// the queue stores it (qmail convention: LF line ends, dots unstuffed).
//
// The message ends ONLY at CRLF "." CRLF.  A CR not followed by LF, or an LF
// not preceded by CR, anywhere in the data marks the message as flawed
// (the session refuses it) but never ends it: after a bare LF or CR the
// decoder is "inside a line", so none of \n.\n, \r.\r, \n.\r\n, \r\n.\n,
// \r\n.\r can start an end-of-data or a second message (SMTP smuggling).
//
// It also counts the hops qmail-smtpd counts: header field lines (not
// folded continuations) that begin "Received:" or "Delivered-To:", in
// any case, in the header section only.
//
// With Framing::kChunked (BDAT) a '.' is an ordinary octet and only the
// caller ends the message (EndChunked).
//
// Pure and incremental: Feed() any split of the stream gives the same
// result; memory use is whatever the caller does with the output.
#ifndef MAILSUITE_SMTPD_DATA_DECODER_H_
#define MAILSUITE_SMTPD_DATA_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ms::smtpd {

class DataDecoder {
 public:
  // kDotStuffed: DATA (dots unstuffed, ends at CRLF.CRLF).  kChunked: BDAT
  // (RFC 3030: the bytes as sent, no terminator; the caller knows the
  // sizes and calls EndChunked() after the LAST chunk).  The bare CR/LF,
  // header-size and hop rules are the same in both.
  enum class Framing { kDotStuffed, kChunked };
  explicit DataDecoder(uint64_t max_header_bytes, Framing framing = Framing::kDotStuffed)
      : max_header_bytes_(max_header_bytes), chunked_(framing == Framing::kChunked) {}

  // Consumes bytes of in up to and including the terminator; appends the
  // decoded message to *out unless discarding.  Returns the bytes consumed
  // (less than in.size() only once done()).
  size_t Feed(std::string_view in, std::string* out);

  // Stop producing output (the message will be refused) but keep looking
  // for the terminator and counting.
  void Discard() { discard_ = true; }

  // Chunked framing only: the message ends here.  A CR left waiting for
  // its LF was a bare CR.  Then done().
  void EndChunked(std::string* out);

  bool done() const { return state_ == State::kDone; }
  bool bare_lf() const { return bare_lf_; }
  bool bare_cr() const { return bare_cr_; }
  bool header_too_big() const { return header_too_big_; }
  // Received: plus Delivered-To: lines of the header section so far.
  uint64_t hops() const { return hops_; }
  // Size of the message as the client sent it (CRLF counted as 2, the
  // stuffed dots not counted): what SIZE= and databytes speak about.
  uint64_t octets() const { return octets_; }

 private:
  enum class State { kLineStart, kDot, kDotCr, kInLine, kCr, kDone };
  void Emit(char c, std::string* out);
  void EndLine(std::string* out);
  void CountHop();

  State state_ = State::kLineStart;
  uint64_t max_header_bytes_;
  uint64_t octets_ = 0;
  uint64_t header_bytes_ = 0;
  bool line_empty_ = true;
  // The lower-cased start of the current header line, enough for
  // "delivered-to:" (13 octets).
  char field_start_[13] = {};
  size_t field_len_ = 0;
  uint64_t hops_ = 0;
  bool in_header_ = true;
  bool chunked_ = false;
  bool discard_ = false;
  bool bare_lf_ = false;
  bool bare_cr_ = false;
  bool header_too_big_ = false;
};

// Why a message (DATA or BDAT) is refused so far, or nullptr: the one
// place for these rules.  The bare CR/LF check comes first: it is the one
// that protects the session.
const char* MessageRefusal(const DataDecoder& decoder, uint64_t databytes);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_DATA_DECODER_H_
