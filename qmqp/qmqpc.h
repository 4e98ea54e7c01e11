// mailsuite-qmqpc: a queue program (qmail-queue's interface: message on
// fd 0, envelope on fd 1, exit codes as lib/QUEUE_CLIENT.md's table) that
// queues nothing here: it hands the message to the first server of
// control/qmqpservers that answers, over QMQP (QMQP.md), as qmail's
// qmail-qmqpc does for mini-qmail.
//
//   K                 exit 0
//   D                 exit 82 with "D" and the text on fd 6 when fd 6 was
//                     open (the caller reads it: lib/queue_client), else 31;
//                     no other server is tried: the refusal is for good
//   Z                 the next server; when none takes it, exit 82 with "Z"
//                     and the last such text on fd 6, else 71
//   no answer         the next server; when none answered at all: 72 the
//                     last connection timed out, 73 was refused, 74 failed
//                     otherwise (reset, bad reply, I/O timeout)
// 54/91/11 for a message or envelope it cannot read (as mailsuite-queue),
// 55 when control/qmqpservers is missing, empty or malformed.
#ifndef MAILSUITE_QMQP_QMQPC_H_
#define MAILSUITE_QMQP_QMQPC_H_

#include <string>
#include <string_view>
#include <vector>

#include "qmqp/qmqp_servers.h"

namespace ms::qmqp {

// Timeouts (qmail-qmqpc's connect timeout; the others as an SMTP client
// waits: RFC 5321 4.5.3.2).
inline constexpr int kConnectSeconds = 10;
inline constexpr int kWriteSeconds = 60;       // each 64 KiB of the request
inline constexpr int kReplySeconds = 600;      // for the reply after the last byte

int RunQmqpc(bool fd6_open);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_QMQPC_H_
