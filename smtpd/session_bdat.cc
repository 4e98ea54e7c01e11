// Session's BDAT command (RFC 3030 CHUNKING); the chunk state is a
// BdatMessage (bdat.h).  Kept out of session.cc so that DATA's code and
// this one meet only in DataDecoder and MessageRefusal.
#include "smtpd/bdat.h"
#include "smtpd/session.h"

namespace ms::smtpd {

// Reads exactly size octets of chunk data, through the session's bounded
// input buffer, into bdat_ (or nowhere when it is null: a refused chunk is
// read and dropped so the next command is found where the client put it).
// Replies still waiting go out before any read that could block: a
// pipelining client may wait for them before it sends the rest.
ReadStatus Session::ReadChunk(uint64_t size) {
  while (size > 0) {
    if (!input_.HasPending()) {
      if (!Flush()) {
        end_reason_ = "write error";
        return ReadStatus::kError;
      }
      ReadStatus status = input_.Fill(ClientDeadline());
      if (status != ReadStatus::kOk) return status;
    }
    std::string_view piece = input_.Pending();
    if (piece.size() > size) piece = piece.substr(0, size);
    if (bdat_) bdat_->Feed(piece);
    input_.Consume(piece.size());
    size -= piece.size();
  }
  return ReadStatus::kOk;
}

void Session::EndBdat() { bdat_.reset(); }  // BdatMessage aborts its sink

Session::Step Session::Bdat(const Command& command) {
  std::optional<BdatArgs> args = ParseBdatArgs(command.arg);
  if (!args) {
    // Without the size nothing tells the chunk's data from commands.
    Reply("501 5.5.4 syntax: BDAT size [LAST]; closing, the data cannot be told from commands");
    if (end_reason_.empty()) end_reason_ = "bdat syntax";
    EndBdat();
    return Step::kStop;
  }
  const char* refusal = nullptr;
  if (!has_sender_) {
    refusal = "503 5.5.1 need MAIL before BDAT";
  } else if (recipients_.empty()) {
    refusal = "554 5.5.1 no valid recipients";
  } else if (!bdat_) {
    std::unique_ptr<MessageSink> sink = sinks_();
    if (!sink || !sink->Begin()) {
      refusal = "451 4.3.0 unable to start the queue program";
      LogMessage("deferred", "queue program did not start", 0, "");
      ResetTransaction();
    } else {
      bdat_ = std::make_unique<BdatMessage>(std::move(sink), spf_.Header() + ReceivedLine(), config_.databytes);
    }
  }
  if (refusal != nullptr && bdat_) EndBdat();
  ReadStatus status = ReadChunk(args->size);
  if (status != ReadStatus::kOk) {
    uint64_t octets = bdat_ ? bdat_->octets() : 0;
    EndBdat();
    if (!end_reason_.empty()) return Step::kStop;  // a reply could not be written
    return EndInData(status, octets);
  }
  if (refusal != nullptr) {
    Reply(refusal);
    return Step::kContinue;
  }
  if (args->last) bdat_->End();
  if (const char* refused = bdat_->refusal()) {
    // The transaction is over; chunks the client already pipelined after
    // this one are read and dropped with 503 (no MAIL).
    ++messages_;
    Reply(refused);
    LogMessage("refused", refused, bdat_->octets(), "");
    ResetTransaction();
    return Step::kContinue;
  }
  if (!args->last) {
    Reply("250 2.0.0 " + std::to_string(args->size) + " octets received");
    return Step::kContinue;
  }
  ++messages_;
  QueueOutcome outcome = bdat_->Commit(CurrentEnvelope());
  Reply(outcome.reply);
  LogMessage(outcome.result, outcome.result == "accepted" ? std::string_view() : outcome.reply,
             bdat_->octets(), outcome.id);
  ResetTransaction();
  return Step::kContinue;
}

}  // namespace ms::smtpd
