// A ByteStream over strings, for the unit tests and the fuzz target: the
// input is handed out in chunks of chosen sizes (to exercise every split
// of a line), the output is collected.
#ifndef MAILSUITE_POP3D_MEMORY_TRANSPORT_H_
#define MAILSUITE_POP3D_MEMORY_TRANSPORT_H_

#include <algorithm>
#include <cstring>
#include <string>

#include "byte_stream.h"

namespace ms::pop3d {

class MemoryTransport : public ByteStream {
 public:
  explicit MemoryTransport(std::string input, size_t chunk = 1 << 20)
      : input_(std::move(input)), chunk_(chunk ? chunk : 1) {}

  ssize_t Read(char* buf, size_t len, const Deadline&) override {
    if (pos_ >= input_.size()) return timeout_at_end_ ? kStreamTimeout : 0;
    size_t n = std::min({len, chunk_, input_.size() - pos_});
    std::memcpy(buf, input_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override {
    size_t lf = input_.find('\n', pos_);
    if (lf != std::string::npos) len = std::min(len, lf + 1 - pos_);
    return Read(buf, len, deadline);
  }
  bool Write(std::string_view data, const Deadline&, bool* = nullptr) override {
    if (fail_writes_) return false;
    output_ += data;
    ++writes_;
    return true;
  }

  const std::string& output() const { return output_; }
  size_t writes() const { return writes_; }
  size_t unread() const { return input_.size() - pos_; }
  void set_timeout_at_end(bool on) { timeout_at_end_ = on; }
  void set_fail_writes(bool on) { fail_writes_ = on; }

 private:
  std::string input_;
  size_t chunk_;
  size_t pos_ = 0;
  std::string output_;
  size_t writes_ = 0;
  bool timeout_at_end_ = false;
  bool fail_writes_ = false;
};

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_MEMORY_TRANSPORT_H_
