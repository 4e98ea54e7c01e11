#include "smtpd/message_sink.h"

#include <ctime>

namespace ms::smtpd {

QueueOutcome ReplyForVerdict(const QueueVerdict& verdict, pid_t pid, time_t now) {
  QueueOutcome out;
  if (verdict.queued) {
    out.id = std::to_string(now) + " qp " + std::to_string(pid);
    out.reply = "250 2.0.0 ok " + out.id;
    out.result = "accepted";
    return out;
  }
  out.reply = (verdict.permanent ? "554 " : "451 ") + verdict.enhanced + " " + verdict.text;
  out.result = verdict.permanent ? "refused" : "deferred";
  return out;
}

QueueOutcome MapQueueExit(const ExitStatus& status, std::string_view custom, pid_t pid, time_t now) {
  return ReplyForVerdict(MakeQueueVerdict(status, false, false, custom), pid, now);
}

QueueProgram::~QueueProgram() {
  if (started_) Abort();
}

bool QueueProgram::Begin() {
  started_ = queue_.Start(path_).ok();
  return started_;
}

bool QueueProgram::Write(std::string_view data) { return queue_.Write(data, FromNow()); }

QueueOutcome QueueProgram::Commit(const Envelope& envelope) {
  pid_t pid = queue_.pid();
  started_ = false;
  QueueVerdict verdict = queue_.Finish(EncodeEnvelope(envelope), FromNow());
  return ReplyForVerdict(verdict, pid, ::time(nullptr));
}

void QueueProgram::Abort() {
  if (started_) queue_.Abort(FromNow());
  started_ = false;
}

HelperQueue::~HelperQueue() {
  if (submitted_) Abort();
}

bool HelperQueue::Begin() {
  UniqueFd message_read, envelope_read;
  if (!MakePipe(&message_read, &message_) || !MakePipe(&envelope_read, &envelope_)) return false;
  // Our copies of the read ends close when this returns: the helper's are
  // then the only ones, so it sees end of file where we close.
  submitted_ = helper_->Submit(message_read.get(), envelope_read.get());
  return submitted_;
}

bool HelperQueue::Write(std::string_view data) {
  if (!failed_ && !WriteAll(message_.get(), data)) failed_ = true;
  return !failed_;
}

QueueOutcome HelperQueue::Commit(const Envelope& envelope) {
  message_.reset();
  if (!failed_ && !WriteAll(envelope_.get(), EncodeEnvelope(envelope))) failed_ = true;
  envelope_.reset();
  pid_t pid = helper_->pid();
  submitted_ = false;
  QueueVerdict verdict = MakeQueueVerdict(helper_->Result(), failed_, false, "");
  return ReplyForVerdict(verdict, pid, ::time(nullptr));
}

void HelperQueue::Abort() {
  // The helper reads an envelope without its final \0 and queues nothing.
  message_.reset();
  envelope_.reset();
  if (submitted_) helper_->Result();
  submitted_ = false;
}

}  // namespace ms::smtpd
