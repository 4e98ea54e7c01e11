#include "queue_helper_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

#include "fd_passing.h"
#include "text.h"

namespace ms {

bool QueueHelperClient::Adopt(UniqueFd socket) {
  pid_t pid = ReceiveReady(socket.get());
  if (pid <= 0) return false;
  socket_ = std::move(socket);
  pid_ = pid;
  own_child_ = false;
  return true;
}

void QueueHelperClient::TakeOwnChild(UniqueFd socket, pid_t pid) {
  socket_ = std::move(socket);
  pid_ = pid;
  own_child_ = true;
}

pid_t QueueHelperClient::ReceiveReady(int socket) {
  char packet[32];
  ssize_t n;
  while ((n = ::recv(socket, packet, sizeof packet, 0)) < 0 && errno == EINTR) {
  }
  if (n < 2 || packet[0] != kQueueHelperReady) return 0;
  auto pid = ParseDecimal(std::string_view(packet + 1, static_cast<size_t>(n) - 1), INT32_MAX);
  return pid ? static_cast<pid_t>(*pid) : 0;
}

QueueHelperClient::~QueueHelperClient() {
  socket_.reset();
  if (own_child_ && pid_ > 0) WaitFor(pid_);
}

bool QueueHelperClient::Alive() {
  if (!socket_.valid()) return false;
  struct pollfd p = {socket_.get(), POLLIN, 0};
  // It never speaks unasked: anything readable is its end of file.
  if (::poll(&p, 1, 0) == 0) return true;
  if (own_child_) WaitFor(pid_);
  GiveUp();
  return false;
}

bool QueueHelperClient::Submit(int message_fd, int envelope_fd) {
  if (!socket_.valid()) return false;
  if (SendWithFds(socket_.get(), std::string_view(&kQueueHelperSubmit, 1), message_fd, envelope_fd)) return true;
  GiveUp();
  return false;
}

ExitStatus QueueHelperClient::Result() {
  ExitStatus status;
  unsigned char code = 0;
  for (;;) {
    ssize_t n = ::recv(socket_.get(), &code, 1, 0);
    if (n == 1) {
      status.exited = true;
      status.code = code;
      return status;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  // Gone: its own exit status says why (a signal; 52 for timeoutqueue,
  // which it also sent).  A pooled helper is not ours to reap: it crashed.
  if (own_child_) status = WaitFor(pid_);
  GiveUp();
  return status;
}

void QueueHelperClient::GiveUp() {
  socket_.reset();
  pid_ = -1;
  own_child_ = false;
}

HelperSubmission::~HelperSubmission() {
  if (submitted_) Abort();
}

bool HelperSubmission::Start() {
  UniqueFd message_read, envelope_read;
  if (!MakePipe(&message_read, &message_) || !MakePipe(&envelope_read, &envelope_)) return false;
  // Our copies of the read ends close when this returns: the helper's are
  // then the only ones, so it sees end of file where we close.
  submitted_ = helper_->Submit(message_read.get(), envelope_read.get());
  return submitted_;
}

bool HelperSubmission::Write(std::string_view data) {
  if (!failed_ && !WriteAll(message_.get(), data)) failed_ = true;
  return !failed_;
}

QueueVerdict HelperSubmission::Finish(std::string_view envelope) {
  message_.reset();
  if (!failed_ && !WriteAll(envelope_.get(), envelope)) failed_ = true;
  envelope_.reset();
  submitted_ = false;
  return MakeQueueVerdict(helper_->Result(), failed_, false, "");
}

void HelperSubmission::Abort() {
  // The helper reads an envelope without its final \0 and queues nothing.
  message_.reset();
  envelope_.reset();
  if (submitted_) helper_->Result();
  submitted_ = false;
}

}  // namespace ms
