#include "pop3d/output.h"

namespace ms::pop3d {

bool Output::Flush() {
  if (failed_) {
    buffer_.clear();
    return false;
  }
  if (buffer_.empty()) return true;
  if (!transport_.Write(buffer_, Deadline::AfterSeconds(timeout_seconds_))) failed_ = true;
  else written_ += buffer_.size();
  buffer_.clear();
  return !failed_;
}

}  // namespace ms::pop3d
