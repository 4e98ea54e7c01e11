// What a spawner's child does before it delivers, and the datagram I/O
// both ends of a spawner socket share (protocol: send/SPAWNER.md).
#ifndef MAILSUITE_SEND_SPAWN_CHILD_H_
#define MAILSUITE_SEND_SPAWN_CHILD_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fd.h"

namespace ms::send {

// Everything a child needs, built before vfork so that a vfork child only
// makes system calls (it shares our memory until it execs).
struct ExecPlan {
  std::vector<char*> argv;  // argv[0] = the program; ends with nullptr
  std::vector<char*> envp;  // ends with nullptr
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  int fd0 = -1;
  int fd1 = -1;
};

// The deliverer's fd 1 is the scheduler's report pipe: say why there, and
// exit 111 so the delivery is deferred.  System calls only.
[[noreturn]] void ChildFail(const char* what);

// Default signal handling and an empty mask, as a deliverer expects.
void ResetSignals();
// lib/become_user.h's BecomeUserNow(uid, gid) when plan.switch_user;
// never uid 0 or gid 0.
// On failure: ChildFail.  System calls only.
void BecomeRecipient(const ExecPlan& plan);
// plan.fd0/fd1 onto 0/1, signals reset, user switched.  System calls only.
void PrepareDeliverer(const ExecPlan& plan);

// Receives one datagram and exactly two fds (close-on-exec).  False when
// there is no usable request; *eof when the peer is gone.
bool ReceiveRequest(int sock, std::string* data, UniqueFd* fd0, UniqueFd* fd1, bool* eof);
// Sends "<job> <wait status>".
void SendReply(int sock, uint64_t job, int wait_status);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_SPAWN_CHILD_H_
