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

class QueueProgram : public MessageSink {
 public:
  explicit QueueProgram(std::string path) : path_(std::move(path)) {}
  ~QueueProgram() override;
  bool Begin() override;
  bool Write(std::string_view data) override;
  QueueOutcome Commit(const Envelope& envelope) override;
  void Abort() override;

 private:
  std::string path_;
  Child child_;
  UniqueFd message_;
  UniqueFd envelope_;
  UniqueFd custom_;
  bool failed_ = false;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_QUEUE_CLIENT_H_
