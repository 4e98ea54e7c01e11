// DKIM canonicalisation (RFC 6376 section 3.4).
//
// Header fields: a field is given as it appears in the message, folded
// lines joined by CRLF, without its final CRLF.  The result is what goes
// into the header hash, with its CRLF.
//   simple   the field unchanged;
//   relaxed  name lower-cased, unfolded, runs of WSP as one SP, WSP at the
//            end of the value and around the colon removed.
//
// Body: streaming with bounded memory (a few counters, nothing buffered),
// fed the body's bytes as stored.  LF, CRLF and a lone CR all end a line,
// as mailsuite-remote sends them (remote/message_encoder.h), so what is
// hashed is what the receiver sees.
//   simple   lines unchanged; empty lines at the end dropped; a body that
//            is empty or lacks a final line end gets one CRLF.
//   relaxed  WSP at line ends dropped, runs of WSP as one SP, empty lines
//            at the end dropped; an empty body stays empty.
// The canonical body goes to a sink (the body hash), cut after limit bytes
// (the signature's l=), while total() counts all of it, so a verifier can
// tell that content follows the signed part.
#ifndef MAILSUITE_LIB_DKIM_CANON_H_
#define MAILSUITE_LIB_DKIM_CANON_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

namespace ms::dkim {

enum class Canon { kSimple, kRelaxed };

std::string CanonHeader(Canon c, std::string_view field);

class BodyCanonicalizer {
 public:
  using Sink = std::function<void(std::string_view)>;
  BodyCanonicalizer(Canon c, Sink sink, uint64_t limit = std::numeric_limits<uint64_t>::max());
  void Update(std::string_view chunk);
  void Finish();
  // Canonical body length, the part past limit included.
  uint64_t total() const { return total_; }

 private:
  void Emit(std::string_view bytes);
  void EndLine();
  void Content(std::string_view bytes);

  Canon canon_;
  Sink sink_;
  uint64_t limit_;
  uint64_t total_ = 0;
  bool pending_cr_ = false;     // a CR whose LF may come next
  bool line_started_ = false;   // the current line has emitted content
  bool pending_wsp_ = false;    // relaxed: WSP seen, not yet written
  uint64_t blank_lines_ = 0;    // empty lines held back (dropped at the end)
  bool any_line_ = false;       // simple: something was written
};

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_CANON_H_
