#include "line_reader.h"

#include <cstring>

namespace ms::pop3d {

namespace {
constexpr size_t kReadChunk = 4096;
}

bool LineReader::HasBufferedLine() const {
  return std::memchr(buffer_.data() + start_, '\n', buffer_.size() - start_) != nullptr;
}

void LineReader::DiscardBuffered() {
  buffer_.clear();
  start_ = 0;
  discarding_ = false;
}

ReadStatus LineReader::Next(std::string_view* line, const Deadline& deadline) {
  for (;;) {
    const char* begin = buffer_.data() + start_;
    size_t avail = buffer_.size() - start_;
    const char* lf = static_cast<const char*>(std::memchr(begin, '\n', avail));
    if (lf != nullptr) {
      size_t len = static_cast<size_t>(lf - begin);
      start_ += len + 1;
      if (discarding_) {
        discarding_ = false;
        return ReadStatus::kTooLong;
      }
      if (len + 1 > kMaxLine) return ReadStatus::kTooLong;
      if (len > 0 && begin[len - 1] == '\r') --len;
      *line = std::string_view(begin, len);
      return ReadStatus::kLine;
    }
    if (avail >= kMaxLine) {
      // Too long already: keep nothing of it, remember to skip to its LF.
      discarding_ = true;
      buffer_.clear();
      start_ = 0;
    } else if (start_ > 0) {
      buffer_.erase(0, start_);
      start_ = 0;
    }
    size_t old = buffer_.size();
    buffer_.resize(old + kReadChunk);
    ssize_t n = read_ahead_ ? transport_.Read(buffer_.data() + old, kReadChunk, deadline)
                            : transport_.ReadThroughNewline(buffer_.data() + old, kReadChunk,
                                                            deadline);
    buffer_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n == 0) return ReadStatus::kEof;
    if (n == kTransportTimeout) return ReadStatus::kTimeout;
    if (n < 0) return ReadStatus::kError;
  }
}

}  // namespace ms::pop3d
