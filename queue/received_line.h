// The trace line mailsuite-queue puts first in every message, in
// qmail-queue's form:
//   Received: (mailsuite-queue 1234 invoked by uid 1000); Sun, 22 Nov 2026 18:04:21 +0000
#ifndef MAILSUITE_QUEUE_RECEIVED_LINE_H_
#define MAILSUITE_QUEUE_RECEIVED_LINE_H_

#include <sys/types.h>

#include <ctime>
#include <string>

namespace ms::queue {

std::string MakeReceivedLine(pid_t pid, uid_t uid, time_t when);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_RECEIVED_LINE_H_
