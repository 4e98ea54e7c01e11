// Where a session's DATA goes when $QMAILQUEUE names mailsuite-filter and
// mailsuite-tcpserver gave the session a socket to the pool of filter
// workers: one worker per message, leased from the pool's keeper, fed
// exactly as the exec'd program would be (message, envelope, fd 6).
// Protocol: filter/FILTER_POOL.md.  When no worker can be had the message
// goes to the exec'd program instead (QueueProgram); when the pool stops
// answering, the session gives it up for its later messages.
#ifndef MAILSUITE_SMTPD_FILTER_WORKER_SINK_H_
#define MAILSUITE_SMTPD_FILTER_WORKER_SINK_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "fd.h"
#include "smtpd/message_sink.h"

namespace ms::smtpd {

class FilterWorkerQueue : public MessageSink {
 public:
  // pool: the session's socket to the keeper (reset here if the keeper
  // misbehaves or a worker outlives timeout_seconds); program and
  // timeout_seconds: for the exec'd fallback and every wait.
  FilterWorkerQueue(UniqueFd* pool, std::string remote_ip, std::string program, long timeout_seconds);
  ~FilterWorkerQueue() override;
  bool Begin() override;
  bool Write(std::string_view data) override;
  QueueOutcome Commit(const Envelope& envelope) override;
  void Abort() override;

 private:
  Deadline FromNow() const { return Deadline::AfterSeconds(timeout_seconds_); }
  // The keeper's answer after the message: its exit status (a crashed
  // worker as killed), or timed_out.
  ExitStatus Answer(bool* timed_out);

  UniqueFd* pool_;
  std::string remote_ip_;
  std::string program_;
  long timeout_seconds_;
  std::unique_ptr<QueueProgram> fallback_;
  UniqueFd message_, envelope_, reply_;
  pid_t pid_ = -1;
  bool leased_ = false;
  bool failed_ = false;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_FILTER_WORKER_SINK_H_
