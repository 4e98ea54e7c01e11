#include "smtpd/transport.h"

#include <cstring>

namespace ms::smtpd {

ssize_t FdTransport::Read(char* buf, size_t len, const Deadline& deadline) {
  return ReadWithDeadline(in_fd_, buf, len, deadline);
}

bool FdTransport::Write(std::string_view data, const Deadline& deadline) {
  return WriteAllWithDeadline(out_fd_, data.data(), data.size(), deadline);
}

ReadStatus InputBuffer::Fill(const Deadline& deadline) {
  if (HasPending()) return ReadStatus::kOk;
  pos_ = len_ = 0;
  ssize_t n = transport_->Read(buf_, kSize, deadline);
  if (n == -2) return ReadStatus::kTimeout;
  if (n < 0) return ReadStatus::kError;
  if (n == 0) return ReadStatus::kEof;
  len_ = static_cast<size_t>(n);
  return ReadStatus::kOk;
}

ReadStatus InputBuffer::ReadLine(std::string* line, size_t max, bool* too_long,
                                 const Deadline& deadline) {
  line->clear();
  *too_long = false;
  for (;;) {
    ReadStatus s = Fill(deadline);
    if (s != ReadStatus::kOk) return s;
    std::string_view pending = Pending();
    size_t lf = pending.find('\n');
    size_t take = lf == std::string_view::npos ? pending.size() : lf + 1;
    if (!*too_long) {
      if (line->size() + take > max) {
        *too_long = true;
        line->clear();
      } else {
        line->append(pending.substr(0, take));
      }
    }
    Consume(take);
    if (lf != std::string_view::npos) break;
  }
  if (!*too_long) {
    line->pop_back();  // the LF
    if (!line->empty() && line->back() == '\r') line->pop_back();
  }
  return ReadStatus::kOk;
}

}  // namespace ms::smtpd
