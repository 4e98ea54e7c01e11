// Reads the qmail-queue envelope from a file descriptor incrementally:
// it stops at the terminating NUL (the writer need not close its end, as
// with qmail-queue) and refuses an over-long address or a wrong entry
// letter as soon as it is seen, so hostile input never makes it buffer
// more than one address beyond what it has already accepted.
#ifndef MAILSUITE_QUEUE_ENVELOPE_READER_H_
#define MAILSUITE_QUEUE_ENVELOPE_READER_H_

#include <string>
#include <string_view>

#include "envelope.h"
#include "result.h"

namespace ms::queue {

class EnvelopeScanner {
 public:
  enum class State { kNeedMore, kComplete, kFormat, kTooLong };

  explicit EnvelopeScanner(size_t max_address = kMaxEnvelopeAddress)
      : max_address_(max_address) {}
  // Feeds more bytes; they are kept up to the end of the envelope.
  State Feed(std::string_view bytes);
  // The envelope bytes through the terminating NUL (once kComplete).
  const std::string& data() const { return data_; }

 private:
  State Scan();

  std::string data_;
  size_t max_address_;
  size_t scanned_ = 0;
  size_t item_start_ = 0;
  bool first_item_ = true;
  State state_ = State::kNeedMore;
};

struct ReadEnvelopeResult {
  Envelope envelope;
  std::string raw;  // exactly the bytes of the envelope
};

// Reads from fd until the envelope is complete.  The Error's code is the
// queue exit code (54 unreadable/truncated, 91 format, 11 too long).
Result<ReadEnvelopeResult> ReadEnvelope(int fd);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_ENVELOPE_READER_H_
