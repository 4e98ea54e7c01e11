// CHUNKING (RFC 3030): the BDAT command's argument and the state of one
// message received in chunks.
//
// "BDAT <size> [LAST]": the size is read in full before any reply, always
// — also when the chunk is refused (no MAIL, no recipient, a message
// already refused) — so the client's stream stays in step: the next
// command starts right after the chunk.  A size that cannot be read (not
// decimal, over 2^64-1) leaves no way to find the next command; the
// session answers 501 and closes (README.md, "CHUNKING").
//
// The chunks go through the same DataDecoder as DATA, in its chunked
// framing (no dot-stuffing, no terminator), and the same MessageRefusal
// rules; decoded bytes go to the queue sink in kSinkChunk pieces, so
// memory is bounded whatever the chunk sizes.  Session::Bdat
// (session_bdat.cc) drives it.
#ifndef MAILSUITE_SMTPD_BDAT_H_
#define MAILSUITE_SMTPD_BDAT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "smtpd/data_decoder.h"
#include "smtpd/message_sink.h"

namespace ms::smtpd {

struct BdatArgs {
  uint64_t size = 0;
  bool last = false;
};

// The argument of BDAT: 1-20 decimal digits (value at most 2^64-1), then
// optionally blanks and LAST (any case); nothing else.
std::optional<BdatArgs> ParseBdatArgs(std::string_view arg);

// One message arriving in chunks, from its first BDAT to its LAST one.
class BdatMessage {
 public:
  // sink has been Begin()-ed; received is the Received: line it starts with.
  BdatMessage(std::unique_ptr<MessageSink> sink, std::string received, uint64_t databytes);
  ~BdatMessage();
  BdatMessage(const BdatMessage&) = delete;
  BdatMessage& operator=(const BdatMessage&) = delete;

  // Bytes of the current chunk (all of them are chunk data): decoded and
  // handed on, or counted only once the message is refused.
  void Feed(std::string_view bytes);
  // After the LAST chunk's bytes: ends the message (a CR left at its end
  // is a bare CR) and hands the rest to the sink unless refused.
  void End();
  // Why the message is refused (MessageRefusal), or nullptr.
  const char* refusal() const { return refusal_; }
  uint64_t octets() const { return decoder_.octets(); }
  // The queue's verdict on the whole message (after End(), not refused).
  QueueOutcome Commit(const Envelope& envelope);
  // Gives the message up (the sink queues nothing) unless it was
  // committed; idempotent.  The destructor does it too.
  void Abort();

 private:
  void CheckRefusal();

  std::unique_ptr<MessageSink> sink_;
  DataDecoder decoder_;
  std::string pending_;  // decoded, not yet written: < kSinkChunk between calls
  uint64_t databytes_;
  const char* refusal_ = nullptr;
  bool finished_ = false;  // committed or aborted
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_BDAT_H_
