#include "smtpd/bdat.h"

#include "smtpd/config.h"
#include "text.h"

namespace ms::smtpd {

std::optional<BdatArgs> ParseBdatArgs(std::string_view arg) {
  size_t blank = arg.find_first_of(" \t");
  std::string_view digits = arg.substr(0, blank);
  std::string_view rest = blank == std::string_view::npos ? std::string_view() : Trim(arg.substr(blank));
  // 20 digits hold 2^64-1; ParseDecimal refuses a value above it.
  std::optional<uint64_t> size = ParseDecimal(digits, UINT64_MAX, 20);
  if (!size) return std::nullopt;
  BdatArgs args;
  args.size = *size;
  if (!rest.empty()) {
    if (!EqualsIgnoringCase(rest, "LAST")) return std::nullopt;
    args.last = true;
  }
  return args;
}

BdatMessage::BdatMessage(std::unique_ptr<MessageSink> sink, std::string received, uint64_t databytes)
    : sink_(std::move(sink)),
      decoder_(kMaxHeaderBytes, DataDecoder::Framing::kChunked),
      pending_(std::move(received)),
      databytes_(databytes) {}

BdatMessage::~BdatMessage() { Abort(); }

void BdatMessage::CheckRefusal() {
  if (refusal_ != nullptr) return;
  refusal_ = MessageRefusal(decoder_, databytes_);
  if (refusal_ == nullptr) return;
  decoder_.Discard();  // still counts the octets, queues nothing
  pending_.clear();
  Abort();
}

void BdatMessage::Feed(std::string_view bytes) {
  decoder_.Feed(bytes, &pending_);  // chunked framing: consumes everything
  CheckRefusal();
  if (refusal_ == nullptr && pending_.size() >= kSinkChunk) {
    sink_->Write(pending_);  // a failed write is reported by Commit
    pending_.clear();
  }
}

void BdatMessage::End() {
  decoder_.EndChunked(&pending_);
  CheckRefusal();
  if (refusal_ == nullptr && !pending_.empty()) {
    sink_->Write(pending_);
    pending_.clear();
  }
}

QueueOutcome BdatMessage::Commit(const Envelope& envelope) {
  finished_ = true;
  return sink_->Commit(envelope);
}

void BdatMessage::Abort() {
  if (finished_) return;
  finished_ = true;
  sink_->Abort();
}

}  // namespace ms::smtpd
