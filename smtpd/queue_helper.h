// smtpd's queue helper: a child forked before smtpd reads any input that
// writes the session's messages into the queue in-process, so no message
// costs an exec of mailsuite-queue.  Privileges, protocol and fallbacks:
// smtpd/QUEUE_HELPER.md.
#ifndef MAILSUITE_SMTPD_QUEUE_HELPER_H_
#define MAILSUITE_SMTPD_QUEUE_HELPER_H_

#include <sys/types.h>

#include <string>

#include "child.h"
#include "fd.h"

namespace ms::smtpd {

class QueueHelper {
 public:
  QueueHelper() = default;
  QueueHelper(const QueueHelper&) = delete;
  QueueHelper& operator=(const QueueHelper&) = delete;
  // Closing the socket is the helper's signal to exit, at once; it is
  // then reaped, so its CPU time counts as smtpd's (tcpserver's children).
  ~QueueHelper();

  // Forks the helper if the effective user owns queue_dir/tmp or is root
  // (the helper then becomes that owner), so the files it creates get the
  // owner a set-uid mailsuite-queue would give them, and waits until the
  // helper says it can reach tmp/.  Must run before anything reads the
  // network.  False: no helper (smtpd execs the queue program for each
  // message).
  bool Start(const std::string& queue_dir);

  // Started and still there: a helper that died between messages (its
  // socket reads end of file) is reaped and given up here.
  bool Alive();
  pid_t pid() const { return pid_; }

  // Hands the helper the read ends of a message's two pipes.  False (and
  // the helper is given up) if it is gone.
  bool Submit(int message_fd, int envelope_fd);
  // The helper's answer for the submitted message: how mailsuite-queue
  // would have exited; if the helper died instead, its wait status (and
  // the helper is given up, so the next message takes the exec path).
  ExitStatus Result();

 private:
  void GiveUp();

  UniqueFd socket_;
  pid_t pid_ = -1;
};

// For a set-uid smtpd: gives up the set-uid (and set-gid) identity for
// good, in the parent, right after QueueHelper::Start.  False if that
// failed; smtpd must then exit.
bool DropSetUidIdentity();

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_QUEUE_HELPER_H_
