#include "line_reader.h"

#include <cstring>

namespace ms {

bool LineReader::HasBufferedLine() const {
  return std::memchr(buf_ + pos_, '\n', len_ - pos_) != nullptr;
}

ReadStatus LineReader::ReadMore(const Deadline& deadline) {
  size_t room = kBufferSize - len_;
  ssize_t n = read_ahead_ ? stream_->Read(buf_ + len_, room, deadline)
                          : stream_->ReadThroughNewline(buf_ + len_, room, deadline);
  if (n == 0) return ReadStatus::kEof;
  if (n == kStreamTimeout) return ReadStatus::kTimeout;
  if (n < 0) return ReadStatus::kError;
  len_ += static_cast<size_t>(n);
  return ReadStatus::kOk;
}

ReadStatus LineReader::Fill(const Deadline& deadline) {
  if (HasPending()) return ReadStatus::kOk;
  pos_ = len_ = 0;
  return ReadMore(deadline);
}

ReadStatus LineReader::Next(std::string_view* line, size_t max, const Deadline& deadline) {
  if (max > kBufferSize) max = kBufferSize;
  for (;;) {
    const char* begin = buf_ + pos_;
    size_t avail = len_ - pos_;
    const char* lf = static_cast<const char*>(std::memchr(begin, '\n', avail));
    if (lf != nullptr) {
      size_t len = static_cast<size_t>(lf - begin);
      pos_ += len + 1;
      if (discarding_) {
        discarding_ = false;
        return ReadStatus::kTooLong;
      }
      if (len + 1 > max) return ReadStatus::kTooLong;
      if (len > 0 && begin[len - 1] == '\r') --len;
      *line = std::string_view(begin, len);
      return ReadStatus::kOk;
    }
    if (discarding_ || avail >= max) {
      // Too long already: keep nothing of it, remember to skip to its LF.
      discarding_ = true;
      pos_ = len_ = 0;
    } else if (pos_ > 0) {
      std::memmove(buf_, begin, avail);
      pos_ = 0;
      len_ = avail;
    }
    ReadStatus s = ReadMore(deadline);
    if (s != ReadStatus::kOk) return s;
  }
}

}  // namespace ms
