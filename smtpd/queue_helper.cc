#include "smtpd/queue_helper.h"

#include <sys/prctl.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


#include "become_user.h"
#include "fd_passing.h"
#include "log.h"
#include "queue/queue_exit.h"
#include "queue/queue_run.h"
#include "text.h"

namespace ms::smtpd {

namespace {

// The child side of fork: nothing of the session may reach it but what
// comes over the socket.
[[noreturn]] void RunHelper(int socket, uid_t invoker, const std::string& tmp_dir,
                            const struct stat& tmp) {
  // fd 0/1 are the client's connection: /dev/null instead, so the
  // connection closes when smtpd exits and no later fd lands on 0 or 1.
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(null, 1) < 0 || ::dup2(socket, kHelperSocket) < 0)
    ::_exit(111);
  ::close_range(kHelperSocket + 1, ~0U, 0);
  EnterHelperRole(tmp_dir, tmp);
  ServeSession(invoker);
  ::_exit(0);
}

}  // namespace

bool MayRunHelper(const std::string& tmp_dir, struct stat* tmp) {
  // Only as the queue owner (set-uid install, private instance) or root,
  // so the files get the owner a set-uid mailsuite-queue gives them.
  // mailsuite-tcpserver's listener holds the owner as its real and saved
  // uid only (TCPSERVER.md "Privilege"): it may fork pooled helpers too.
  uid_t r, e, s;
  if (::stat(tmp_dir.c_str(), tmp) != 0 || ::getresuid(&r, &e, &s) != 0) return false;
  return e == 0 || e == tmp->st_uid || (r == tmp->st_uid && s == tmp->st_uid);
}

pid_t ForkHelper(UniqueFd* ours, const std::function<void(int, uid_t)>& run) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return -1;
  UniqueFd mine(sv[0]), theirs(sv[1]);
  uid_t invoker = ::getuid();
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    run(theirs.get(), invoker);
    ::_exit(111);  // run does not return
  }
  *ours = std::move(mine);
  return pid;
}

void EnterHelperRole(const std::string& tmp_dir, const struct stat& tmp) {
  // Become the queue owner entirely, so that the dropped smtpd can neither
  // signal nor trace us.  Started by root (a test, or an operator who
  // left out tcpserver's -u), give up root's groups too: the queue's group
  // is the one set-gid tmp/ gives the files anyway.
  // Not started by root (set-uid mailsuite): the gid stays the invoker's.
  gid_t gid = ::geteuid() == 0 && tmp.st_uid != 0 ? tmp.st_gid : ::getgid();
  if (BecomeUserNow(tmp.st_uid, gid) != nullptr) ::_exit(111);
  // A queue under a directory the owner cannot enter (a root-only test
  // directory): leave it to the exec'd queue program.
  if (::access(tmp_dir.c_str(), W_OK | X_OK) != 0) ::_exit(0);
  SetLogProgram("mailsuite-queue");
  ::prctl(PR_SET_NAME, "ms-queue-helper", 0, 0, 0);  // for ps: not a session
  queue::PrepareQueueProcess();
  queue::ReportTimeoutTo(kHelperSocket);
}

void ServeSession(uid_t invoker) {
  const std::string ready = kQueueHelperReady + std::to_string(::getpid());
  if (::send(kHelperSocket, ready.data(), ready.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(ready.size()))
    return;
  for (;;) {
    std::string data;
    UniqueFd message, envelope;
    bool eof = false;
    bool received = ReceiveWithFds(kHelperSocket, 16, &data, &message, &envelope, &eof);
    if (!received && eof) return;
    if (!received && errno == EINTR) continue;  // nothing was read
    // smtpd waits for an answer to every packet: a malformed one (never
    // sent by smtpd; descriptors lost to our fd limit) gets "internal bug".
    int code = received && data == std::string_view(&kQueueHelperSubmit, 1)
                   ? queue::QueueOneMessage(message.get(), envelope.get(), invoker)
                   : queue::kInternalBug;
    message.reset();
    envelope.reset();
    unsigned char reply = static_cast<unsigned char>(code);
    while (::send(kHelperSocket, &reply, 1, MSG_NOSIGNAL) < 0) {
      if (errno != EINTR) return;
    }
  }
}

bool QueueHelper::Start(const std::string& queue_dir) {
  const std::string tmp_dir = queue_dir + "/tmp";
  struct stat st;
  if (!MayRunHelper(tmp_dir, &st)) return false;
  UniqueFd ours;
  pid_t pid = ForkHelper(&ours, [&](int socket, uid_t invoker) { RunHelper(socket, invoker, tmp_dir, st); });
  if (pid < 0) return false;
  if (!ReceiveReady(ours.get())) {
    WaitFor(pid);
    return false;
  }
  TakeOwnChild(std::move(ours), pid);
  return true;
}

bool DropSetUidIdentity() {
  uid_t ruid = ::getuid();
  gid_t rgid = ::getgid();
  uid_t r, e, s;
  gid_t gr, ge, gs;
  if (::getresuid(&r, &e, &s) == 0 && r == e && e == s && ::getresgid(&gr, &ge, &gs) == 0 &&
      gr == ge && ge == gs && r == ruid && gr == rgid)
    return true;
  return BecomeUserNow(ruid, rgid) == nullptr;
}

}  // namespace ms::smtpd
