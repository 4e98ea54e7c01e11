// Where a session's DATA goes: the queue program ($QMAILQUEUE or
// mailsuite-queue, through lib/queue_client.h) or smtpd's queue helper,
// and how the queue's verdict becomes the SMTP reply (table in
// smtpd/README.md).
#ifndef MAILSUITE_SMTPD_MESSAGE_SINK_H_
#define MAILSUITE_SMTPD_MESSAGE_SINK_H_

#include <sys/types.h>

#include <ctime>
#include <string>
#include <string_view>

#include "child.h"
#include "envelope.h"
#include "fd.h"
#include "queue_client.h"
#include "smtpd/queue_helper.h"

namespace ms::smtpd {

struct QueueOutcome {
  std::string reply;   // full SMTP reply line without CRLF
  std::string result;  // for the log: accepted, refused, deferred
  std::string id;      // "<time> qp <pid>" when accepted
};

// The queue's verdict as the reply; pid is the queue program's (or the
// helper's), for qmail's "qp" id.
QueueOutcome ReplyForVerdict(const QueueVerdict& verdict, pid_t pid, time_t now);
// The same for a bare exit status (custom: what it wrote to fd 6).
QueueOutcome MapQueueExit(const ExitStatus& status, std::string_view custom, pid_t pid, time_t now);

// Where the session streams a message.  Begin once, Write any number of
// times, then exactly one of Commit or Abort.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual bool Begin() = 0;
  // false: the sink failed; the session keeps reading and Commit reports it.
  virtual bool Write(std::string_view data) = 0;
  virtual QueueOutcome Commit(const Envelope& envelope) = 0;
  // Nothing is queued: the envelope is never written (qmail-queue then
  // exits without queueing, as with qmail-smtpd's aborted messages).
  virtual void Abort() = 0;
};

// Runs the queue program ($QMAILQUEUE or mailsuite-queue) per message.
// Every write and the wait for its verdict are bounded by timeoutsmtpd
// (the time the client is willing to wait); past it the program is
// killed and the client gets 451 4.3.0.
class QueueProgram : public MessageSink {
 public:
  QueueProgram(std::string path, long timeout_seconds)
      : path_(std::move(path)), timeout_seconds_(timeout_seconds) {}
  ~QueueProgram() override;
  bool Begin() override;
  bool Write(std::string_view data) override;
  QueueOutcome Commit(const Envelope& envelope) override;
  void Abort() override;

 private:
  Deadline FromNow() const { return Deadline::AfterSeconds(timeout_seconds_); }

  std::string path_;
  long timeout_seconds_;
  QueueClient queue_;
  bool started_ = false;
};

// mailsuite-queue's work done by smtpd's queue helper (queue_helper.h),
// without an exec; only when $QMAILQUEUE is not set.  The message and
// envelope go through two pipes, as to a queue program, and the same
// rule holds: a failed write wins over the helper's exit 0.
class HelperQueue : public MessageSink {
 public:
  explicit HelperQueue(QueueHelper* helper) : helper_(helper), submission_(helper) {}
  bool Begin() override;
  bool Write(std::string_view data) override;
  QueueOutcome Commit(const Envelope& envelope) override;
  void Abort() override;

 private:
  QueueHelper* helper_;
  HelperSubmission submission_;  // lib/queue_helper_client.h
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_MESSAGE_SINK_H_
