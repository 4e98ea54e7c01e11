// smtpd's queue helper: a child forked before smtpd reads any input that
// writes the session's messages into the queue in-process, so no message
// costs an exec of mailsuite-queue.  Privileges, protocol and fallbacks:
// smtpd/QUEUE_HELPER.md.
#ifndef MAILSUITE_SMTPD_QUEUE_HELPER_H_
#define MAILSUITE_SMTPD_QUEUE_HELPER_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <string>

#include "child.h"
#include "fd.h"
#include "queue_helper_client.h"

namespace ms::smtpd {

// The session's helper: the client calls of lib/queue_helper_client.h
// (Adopt a pooled helper, Submit, Result, ...) plus Start, which forks
// one (it runs this folder's helper side, hence here and not in lib/).
class QueueHelper : public QueueHelperClient {
 public:
  // Forks the helper if the effective user owns queue_dir/tmp or is root
  // (the helper then becomes that owner), so the files it creates get the
  // owner a set-uid mailsuite-queue would give them, and waits until the
  // helper says it can reach tmp/.  Must run before anything reads the
  // network.  False: no helper (smtpd execs the queue program for each
  // message).
  bool Start(const std::string& queue_dir);
};

// The helper's side, shared by the helper smtpd forks and the pooled
// helpers of mailsuite-tcpserver (queue_helper_pool.h).  The session's
// socket is always this fd.
inline constexpr int kHelperSocket = 3;
// Whether a helper may run: the effective user owns tmp_dir (the queue's
// tmp/, whose stat goes to *tmp) or is root, so that its files get the
// owner a set-uid mailsuite-queue would give them.
bool MayRunHelper(const std::string& tmp_dir, struct stat* tmp);
// Forks a helper connected to us by a new SOCK_SEQPACKET pair: the child
// runs run(its end, our real uid), which must not return; the parent gets
// its end in *ours.  The child's pid, or -1.
pid_t ForkHelper(UniqueFd* ours, const std::function<void(int, uid_t)>& run);
// Once per helper process, before it reads anything: becomes the owner of
// the queue (tmp: the stat of tmp_dir, its tmp/) wholly — real, effective
// and saved uid, and, when root, its group alone — and sets up the log
// name, umask, signals and the timeout answer on kHelperSocket.  Exits
// 111 if the switch fails, 0 if the owner cannot write tmp_dir.
void EnterHelperRole(const std::string& tmp_dir, const struct stat& tmp);
// Says ready ("R<pid>") on kHelperSocket and queues the session's
// messages until smtpd closes it (or it fails).  invoker_uid is named in
// each message's Received line.
void ServeSession(uid_t invoker_uid);

// For a set-uid smtpd: gives up the set-uid (and set-gid) identity for
// good, in the parent, right after QueueHelper::Start.  False if that
// failed; smtpd must then exit.
bool DropSetUidIdentity();

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_QUEUE_HELPER_H_
