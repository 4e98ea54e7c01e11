// Handing a message to the queue program ($QMAILQUEUE, the qmail-queue
// protocol of DESIGN.md): message on its fd 0, envelope on its fd 1, and
// fd 6 open for a filter's own reply text (notqmail's exit 82 convention).
// The exit code becomes the SMTP reply (table in smtpd/README.md).
#ifndef MAILSUITE_SMTPD_QUEUE_CLIENT_H_
#define MAILSUITE_SMTPD_QUEUE_CLIENT_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "child.h"
#include "envelope.h"
#include "fd.h"
#include "smtpd/queue_helper.h"

namespace ms::smtpd {

struct QueueOutcome {
  std::string reply;   // full SMTP reply line without CRLF
  std::string result;  // for the log: accepted, refused, deferred
  std::string id;      // "<time> qp <pid>" when accepted
};

// Maps how the queue program ended to the reply.  custom is what it wrote
// to fd 6 (only used for exit 82).
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

// What both ways of reaching the queue share: the message pipe and the
// envelope pipe, closed in that order.
class PipedQueue : public MessageSink {
 public:
  bool Write(std::string_view data) override;

 protected:
  // The read ends go to the queue program or helper.
  bool OpenPipes(UniqueFd* message_read, UniqueFd* envelope_read);
  // End of the message, then the envelope (unless a write already failed).
  void SendEnvelope(const Envelope& envelope);
  void ClosePipes();

 private:
  UniqueFd message_;
  UniqueFd envelope_;
  bool failed_ = false;
};

// Execs the queue program ($QMAILQUEUE or mailsuite-queue) per message.
class QueueProgram : public PipedQueue {
 public:
  explicit QueueProgram(std::string path) : path_(std::move(path)) {}
  ~QueueProgram() override;
  bool Begin() override;
  QueueOutcome Commit(const Envelope& envelope) override;
  void Abort() override;

 private:
  std::string path_;
  Child child_;
  UniqueFd custom_;
};

// mailsuite-queue's work done by smtpd's queue helper (queue_helper.h),
// without an exec; only when $QMAILQUEUE is not set.
class HelperQueue : public PipedQueue {
 public:
  explicit HelperQueue(QueueHelper* helper) : helper_(helper) {}
  ~HelperQueue() override;
  bool Begin() override;
  QueueOutcome Commit(const Envelope& envelope) override;
  void Abort() override;

 private:
  QueueHelper* helper_;
  bool submitted_ = false;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_QUEUE_CLIENT_H_
