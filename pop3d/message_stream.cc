#include "pop3d/message_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "fd.h"

namespace ms::pop3d {

bool MessageConverter::Feed(std::string_view chunk, std::string* out) {
  const char* p = chunk.data();
  const char* end = p + chunk.size();
  while (p < end && !done_) {
    if (at_line_start_) {
      if (!in_headers_ && body_lines_ >= 0 && body_lines_sent_ >= body_lines_) {
        done_ = true;
        break;
      }
      if (*p == '.') out->push_back('.');
      at_line_start_ = false;
    }
    const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (lf == nullptr) {
      out->append(p, static_cast<size_t>(end - p));
      line_length_ += static_cast<uint64_t>(end - p);
      prev_cr_ = end[-1] == '\r';
      break;
    }
    size_t len = static_cast<size_t>(lf - p);
    out->append(p, len);
    bool cr = len > 0 ? lf[-1] == '\r' : prev_cr_;
    out->append(cr ? "\n" : "\r\n");
    line_length_ += len;
    bool empty_line = line_length_ == 0 || (line_length_ == 1 && cr);
    if (in_headers_) {
      if (empty_line) in_headers_ = false;
    } else {
      ++body_lines_sent_;
    }
    line_length_ = 0;
    prev_cr_ = false;
    at_line_start_ = true;
    p = lf + 1;
  }
  if (!done_ && at_line_start_ && !in_headers_ && body_lines_ >= 0 &&
      body_lines_sent_ >= body_lines_) {
    done_ = true;
  }
  return !done_;
}

void MessageConverter::Finish(std::string* out) {
  if (!at_line_start_) out->append("\r\n");
  out->append(".\r\n");
}

SendResult SendMessage(int dir_fd, const std::string& path, int64_t body_lines, Output& out) {
  UniqueFd fd(::openat(dir_fd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return SendResult::kOpenFailed;
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  constexpr size_t kChunk = 256 * 1024;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  MessageConverter converter(body_lines);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.get(), kChunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SendResult::kReadFailed;
    if (n == 0) break;
    bool more = converter.Feed(std::string_view(buf.get(), static_cast<size_t>(n)), &out.buffer());
    out.FlushIfFull();
    if (out.failed()) return SendResult::kWriteFailed;
    if (!more) break;
  }
  converter.Finish(&out.buffer());
  out.FlushIfFull();
  return out.failed() ? SendResult::kWriteFailed : SendResult::kSent;
}

}  // namespace ms::pop3d
