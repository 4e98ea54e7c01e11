#include "remote/stored_message.h"

#include <cerrno>
#include <cstring>
#include <memory>

namespace ms::remote {

namespace {

constexpr size_t kChunk = 64 * 1024;

// A read buffer that is not zeroed first: it is always overwritten.
std::unique_ptr<char[]> ChunkBuffer() { return std::make_unique_for_overwrite<char[]>(kChunk); }

Error ReadError() { return MakeError(std::string("unable to read the message: ") + std::strerror(errno)); }

}  // namespace

Result<StoredMessage> StoredMessage::Load(int fd) {
  auto input = OpenMessageInput(fd);
  if (!input.ok()) return MakeError("unable to read the message: " + input.error().message);
  StoredMessage m;
  m.input_ = *input;
  m.facts_.smtputf8 = m.input_.smtputf8;
  m.in_memory_ = !m.input_.seekable;
  bool last_was_cr = false;
  auto buf = ChunkBuffer();
  for (;;) {
    ssize_t n = m.input_.Read(buf.get(), kChunk);
    if (n < 0) return ReadError();
    if (n == 0) break;
    std::string_view chunk(buf.get(), static_cast<size_t>(n));
    ScanMessageChunk(chunk, &last_was_cr, &m.facts_);
    if (m.in_memory_) m.memory_.append(chunk);
  }
  return m;
}

void StoredMessage::Prepend(std::string header) {
  bool last_was_cr = false;
  ScanMessageChunk(header, &last_was_cr, &facts_);
  prefix_ = std::move(header) + prefix_;
}

Status StoredMessage::Stream(const std::function<bool(std::string_view)>& take) {
  if (!prefix_.empty() && !take(prefix_)) return Ok{};
  if (in_memory_) {
    for (size_t pos = 0; pos < memory_.size(); pos += kChunk) {
      if (!take(std::string_view(memory_).substr(pos, kChunk))) return Ok{};
    }
    return Ok{};
  }
  if (!input_.Rewind()) return ReadError();
  auto buf = ChunkBuffer();
  for (;;) {
    ssize_t n = input_.Read(buf.get(), kChunk);
    if (n < 0) return ReadError();
    if (n == 0) return Ok{};
    if (!take(std::string_view(buf.get(), static_cast<size_t>(n)))) return Ok{};
  }
}

}  // namespace ms::remote
