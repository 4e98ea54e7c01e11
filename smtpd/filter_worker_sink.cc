#include "smtpd/filter_worker_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "fd_passing.h"
#include "text.h"

namespace ms::smtpd {

FilterWorkerQueue::FilterWorkerQueue(UniqueFd* pool, std::string remote_ip, std::string program,
                                     long timeout_seconds)
    : pool_(pool), remote_ip_(std::move(remote_ip)), program_(std::move(program)),
      timeout_seconds_(timeout_seconds) {}

FilterWorkerQueue::~FilterWorkerQueue() {
  if (leased_) Abort();
}

bool FilterWorkerQueue::Begin() {
  UniqueFd message_read, envelope_read, reply_write;
  if (pool_->valid() && MakePipe(&message_read, &message_) && MakePipe(&envelope_read, &envelope_) &&
      MakePipe(&reply_, &reply_write)) {
    // The keeper hands these on to a worker; our copies of its ends close
    // when this returns, so end of file reaches each side where it should.
    int fds[3] = {message_read.get(), envelope_read.get(), reply_write.get()};
    // RELAYCLIENT too: the filter's sender authentication leaves relay
    // clients' mail alone (filter/README.md "Sender authentication").
    std::string packet = "Q" + (remote_ip_ == "unknown" ? std::string() : remote_ip_) +
                         (::getenv("RELAYCLIENT") ? "\nR" : "");
    if (SendFdArray(pool_->get(), packet, fds, 3).ok()) {
      char answer[32];
      ssize_t n = -1;
      if (WaitReadable(pool_->get(), FromNow()) == WaitResult::kReady)
        n = ::recv(pool_->get(), answer, sizeof answer, MSG_DONTWAIT);
      if (n >= 2 && answer[0] == 'A') {
        auto pid = ParseDecimal(std::string_view(answer + 1, static_cast<size_t>(n) - 1), INT32_MAX);
        if (pid) {
          pid_ = static_cast<pid_t>(*pid);
          leased_ = true;
          // Every write waits at most until its deadline (WriteAllWithDeadline),
          // and the reply is read without waiting: as lib/queue_client.
          for (const UniqueFd* fd : {&message_, &envelope_, &reply_}) ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
          return true;
        }
      }
      // "N" (no worker now): this message goes to the program; anything
      // else and the pool is given up for the session.
      if (!(n == 1 && answer[0] == 'N')) pool_->reset();
    } else {
      pool_->reset();
    }
  }
  message_.reset();
  envelope_.reset();
  reply_.reset();
  fallback_ = std::make_unique<QueueProgram>(program_, timeout_seconds_);
  return fallback_->Begin();
}

bool FilterWorkerQueue::Write(std::string_view data) {
  if (fallback_) return fallback_->Write(data);
  // The worker reads as the exec'd filter would; a worker that is gone
  // makes this fail (EPIPE: smtpd ignores SIGPIPE), a hung one is bounded.
  if (!failed_ && !WriteAllWithDeadline(message_.get(), data.data(), data.size(), FromNow())) failed_ = true;
  return !failed_;
}

ExitStatus FilterWorkerQueue::Answer(bool* timed_out) {
  ExitStatus status;  // killed, unless the keeper says otherwise
  status.signal = SIGKILL;
  *timed_out = false;
  leased_ = false;
  char answer[8];
  ssize_t n = -1;
  WaitResult w = pool_->valid() ? WaitReadable(pool_->get(), FromNow()) : WaitResult::kError;
  if (w == WaitResult::kReady) n = ::recv(pool_->get(), answer, sizeof answer, MSG_DONTWAIT);
  if (n == 2 && answer[0] == 'E') {
    status.exited = true;
    status.code = static_cast<unsigned char>(answer[1]);
    status.signal = 0;
    return status;
  }
  if (w == WaitResult::kTimeout) *timed_out = true;
  // A late answer must not be read as the next message's: no more pool
  // for this session ("K", a crashed worker, keeps it).
  if (!(n == 1 && answer[0] == 'K')) pool_->reset();
  return status;
}

QueueOutcome FilterWorkerQueue::Commit(const Envelope& envelope) {
  if (fallback_) {
    QueueOutcome out = fallback_->Commit(envelope);
    fallback_.reset();
    return out;
  }
  message_.reset();
  std::string encoded = EncodeEnvelope(envelope);
  if (!failed_ && !WriteAllWithDeadline(envelope_.get(), encoded.data(), encoded.size(), FromNow()))
    failed_ = true;
  envelope_.reset();
  bool timed_out = false;
  ExitStatus status = Answer(&timed_out);
  // The worker closed its fd 6 before it answered: the text is all there.
  std::string text;
  if (status.exited && status.code == kFilterReplyExit) text = ReadFilterReply(reply_.get());
  reply_.reset();
  QueueVerdict verdict = MakeQueueVerdict(status, failed_, timed_out, text);
  return ReplyForVerdict(verdict, pid_, ::time(nullptr));
}

void FilterWorkerQueue::Abort() {
  if (fallback_) {
    fallback_->Abort();
    fallback_.reset();
    return;
  }
  // The worker reads an envelope without its final \0 and hands nothing
  // on; its answer is read so the next message's is not mistaken for it.
  message_.reset();
  envelope_.reset();
  if (leased_) {
    bool timed_out;
    Answer(&timed_out);
  }
  reply_.reset();
}

}  // namespace ms::smtpd
