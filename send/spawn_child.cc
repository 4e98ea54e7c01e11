#include "send/spawn_child.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

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
  if (::setgroups(1, &plan.gid) != 0) ChildFail("unable to set groups (#4.3.0)\n");
  if (::setgid(plan.gid) != 0) ChildFail("unable to set gid (#4.3.0)\n");
  if (::setuid(plan.uid) != 0) ChildFail("unable to set uid (#4.3.0)\n");
}

void PrepareDeliverer(const ExecPlan& plan) {
  if (::dup2(plan.fd0, 0) < 0 || ::dup2(plan.fd1, 1) < 0) _exit(111);
  if (plan.fd0 > 1) ::close(plan.fd0);
  if (plan.fd1 > 1) ::close(plan.fd1);
  ResetSignals();
  BecomeRecipient(plan);
}

bool ReceiveRequest(int sock, std::string* data, UniqueFd* fd0, UniqueFd* fd1, bool* eof) {
  data->resize(kMaxSpawnRequest);
  struct iovec iov = {data->data(), data->size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  *eof = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
  if (n <= 0) return false;
  data->resize(static_cast<size_t>(n));
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fds[2] = {-1, -1};
    std::memcpy(fds, CMSG_DATA(c), std::min<size_t>(count, 2) * sizeof(int));
    fd0->reset(fds[0]);
    fd1->reset(fds[1]);
    for (size_t i = 2; i < count; ++i) {
      int extra;
      std::memcpy(&extra, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      ::close(extra);
    }
  }
  return (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0 && fd0->valid() && fd1->valid();
}

void SendReply(int sock, uint64_t job, int wait_status) {
  std::string reply = EncodeSpawnReply({job, wait_status});
  // The peer reads replies as they come; a full socket buffer only delays
  // us, so retry on EINTR.
  while (::send(sock, reply.data(), reply.size(), MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

}  // namespace ms::send
