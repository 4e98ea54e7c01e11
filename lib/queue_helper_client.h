// The client side of the queue helper protocol (smtpd/QUEUE_HELPER.md):
// a process that holds a socket to a queue helper — its own (smtpd forks
// one) or one leased from mailsuite-tcpserver's pool — hands it each
// message with these calls instead of exec'ing mailsuite-queue.  Used by
// mailsuite-smtpd and mailsuite-qmqpd; the helper's side is
// smtpd/queue_helper.cc.
#ifndef MAILSUITE_LIB_QUEUE_HELPER_CLIENT_H_
#define MAILSUITE_LIB_QUEUE_HELPER_CLIENT_H_

#include <sys/types.h>

#include <string_view>

#include "child.h"
#include "fd.h"
#include "queue_client.h"

namespace ms {

// The protocol's packets (QUEUE_HELPER.md "Protocol").
inline constexpr char kQueueHelperReady = 'R';   // helper -> client, once: "R<pid>"
inline constexpr char kQueueHelperSubmit = 'Q';  // client -> helper, per message, with two fds

class QueueHelperClient {
 public:
  QueueHelperClient() = default;
  QueueHelperClient(const QueueHelperClient&) = delete;
  QueueHelperClient& operator=(const QueueHelperClient&) = delete;
  // Closing the socket is the helper's signal to exit (its own) or to go
  // back to the pool (a leased one); its own is then reaped, so its CPU
  // time counts as ours.
  ~QueueHelperClient();

  // Takes a socket to a helper of mailsuite-tcpserver's pool and waits
  // for its ready packet.  False if that helper is gone.
  bool Adopt(UniqueFd socket);

  // Adopted (or started) and still there: a helper that died between
  // messages (its socket reads end of file) is reaped and given up here.
  bool Alive();
  pid_t pid() const { return pid_; }

  // Hands the helper the read ends of a message's two pipes.  False (and
  // the helper is given up) if it is gone.
  bool Submit(int message_fd, int envelope_fd);
  // The helper's answer for the submitted message: how mailsuite-queue
  // would have exited; if the helper died instead, its wait status (and
  // the helper is given up, so the next message takes the exec path).
  ExitStatus Result();

  // The helper's ready packet: "R<pid>"; its pid, or 0 if none came.
  static pid_t ReceiveReady(int socket);

 protected:
  // For a helper the caller forked itself and saw ready: ours to reap.
  void TakeOwnChild(UniqueFd socket, pid_t pid);

 private:
  void GiveUp();

  UniqueFd socket_;
  pid_t pid_ = -1;
  bool own_child_ = false;
};

// One message through a helper, with the queue program's rules
// (lib/QUEUE_CLIENT.md): Start, Write any number of times, then exactly
// one of Finish or Abort.  The message and the envelope go through two
// pipes, as to mailsuite-queue, and a failed write wins over the helper's
// exit 0.  The helper's control/timeoutqueue bounds every wait.  The
// caller must ignore SIGPIPE.
class HelperSubmission {
 public:
  explicit HelperSubmission(QueueHelperClient* helper) : helper_(helper) {}
  HelperSubmission(const HelperSubmission&) = delete;
  HelperSubmission& operator=(const HelperSubmission&) = delete;
  ~HelperSubmission();  // an unfinished message is aborted

  // False: the helper is gone (given up; the caller may exec the queue
  // program instead) or no pipe could be made.
  bool Start();
  bool Write(std::string_view data);
  QueueVerdict Finish(std::string_view envelope);
  // Nothing is queued: the envelope is never written, the helper answers
  // (54) and is ready for the next message.
  void Abort();

 private:
  QueueHelperClient* helper_;
  UniqueFd message_;
  UniqueFd envelope_;
  bool failed_ = false;
  bool submitted_ = false;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_QUEUE_HELPER_CLIENT_H_
