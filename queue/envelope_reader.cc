#include "queue/envelope_reader.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "queue/queue_exit.h"

namespace ms::queue {

EnvelopeScanner::State EnvelopeScanner::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore) return state_;
  data_.append(bytes);
  state_ = Scan();
  return state_;
}

EnvelopeScanner::State EnvelopeScanner::Scan() {
  for (; scanned_ < data_.size(); ++scanned_) {
    char c = data_[scanned_];
    if (scanned_ == item_start_) {
      if (first_item_) {
        if (c != 'F') return State::kFormat;
      } else if (c == '\0') {
        data_.resize(scanned_ + 1);  // what follows the envelope is not ours
        return State::kComplete;
      } else if (c != 'T' && c != 'U' && c != 'M' && c != 'R') {  // U: SMTPUTF8, M, R: DSN
        return State::kFormat;  // (lib/envelope.h; their places are checked by DecodeEnvelope)
      }
      continue;
    }
    if (c == '\0') {
      item_start_ = scanned_ + 1;
      first_item_ = false;
    } else if (scanned_ - item_start_ > max_address_) {
      return State::kTooLong;
    }
  }
  return State::kNeedMore;
}

Result<ReadEnvelopeResult> ReadEnvelope(int fd) {
  EnvelopeScanner scanner;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(std::string("unable to read the envelope: ") + std::strerror(errno),
                       kUnreadableInput);
    }
    if (n == 0) return MakeError("the envelope ends early", kUnreadableInput);
    switch (scanner.Feed(std::string_view(buf, static_cast<size_t>(n)))) {
      case EnvelopeScanner::State::kNeedMore:
        continue;
      case EnvelopeScanner::State::kFormat:
        return MakeError("envelope format error", kEnvelopeFormat);
      case EnvelopeScanner::State::kTooLong:
        return MakeError("envelope address too long", kAddressTooLong);
      case EnvelopeScanner::State::kComplete:
        break;
    }
    EnvelopeError kind;
    auto decoded = DecodeEnvelope(scanner.data(), &kind);
    if (!decoded) {
      int code = kind == EnvelopeError::kTooLong     ? kAddressTooLong
                 : kind == EnvelopeError::kTruncated ? kUnreadableInput
                                                     : kEnvelopeFormat;
      return MakeError(decoded.error().message, code);
    }
    return ReadEnvelopeResult{std::move(*decoded), scanner.data()};
  }
}

}  // namespace ms::queue
