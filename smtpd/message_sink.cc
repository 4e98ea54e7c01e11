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

bool HelperQueue::Begin() { return submission_.Start(); }

bool HelperQueue::Write(std::string_view data) { return submission_.Write(data); }

QueueOutcome HelperQueue::Commit(const Envelope& envelope) {
  pid_t pid = helper_->pid();  // before the answer: a helper found gone is given up
  QueueVerdict verdict = submission_.Finish(EncodeEnvelope(envelope));
  return ReplyForVerdict(verdict, pid, ::time(nullptr));
}

void HelperQueue::Abort() { submission_.Abort(); }

}  // namespace ms::smtpd
