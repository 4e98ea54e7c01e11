#include "send/spawn_child.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "become_user.h"
#include "fd_passing.h"
#include "send/spawner.h"

namespace ms::send {

[[noreturn]] void ChildFail(const char* what) {
  [[maybe_unused]] ssize_t n = ::write(1, what, std::strlen(what));
  _exit(111);
}

void ResetSignals() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int signo : {SIGPIPE, SIGCHLD, SIGTERM, SIGHUP, SIGALRM}) ::sigaction(signo, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void BecomeRecipient(const ExecPlan& plan) {
  if (!plan.switch_user) return;
  // qmail-lspawn never delivers as root; neither do we.
  if (plan.uid == 0) ChildFail("refusing to deliver as root (#4.3.0)\n");
  if (plan.gid == 0) ChildFail("refusing to deliver as gid 0 (#4.3.0)\n");
  if (const char* failed = BecomeUserNow(plan.uid, plan.gid)) {
    // System calls only (vfork): the text is a constant.
    [[maybe_unused]] ssize_t n = ::write(1, failed, std::strlen(failed));
    ChildFail(" (#4.3.0)\n");
  }
}

void PrepareDeliverer(const ExecPlan& plan) {
  if (::dup2(plan.fd0, 0) < 0 || ::dup2(plan.fd1, 1) < 0) _exit(111);
  if (plan.fd0 > 1) ::close(plan.fd0);
  if (plan.fd1 > 1) ::close(plan.fd1);
  ResetSignals();
  BecomeRecipient(plan);
}

bool ReceiveRequest(int sock, std::string* data, UniqueFd* fd0, UniqueFd* fd1, bool* eof) {
  return ReceiveWithFds(sock, kMaxSpawnRequest, data, fd0, fd1, eof);
}

void SendReply(int sock, uint64_t job, int wait_status) {
  std::string reply = EncodeSpawnReply({job, wait_status});
  // The peer reads replies as they come; a full socket buffer only delays
  // us, so retry on EINTR.
  while (::send(sock, reply.data(), reply.size(), MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

}  // namespace ms::send
