// The filter's hand-off to the next queue program ($FILTER_NEXT, default
// mailsuite-queue): the qmail-queue protocol as a caller, message on the
// child's fd 0, envelope on its fd 1, through the one queue client
// (lib/queue_client.h: deadline, a failed write wins over exit 0).  A
// chained filter's own reply (exit 82, D/Z text) is written on to our
// fd 6 when smtpd gave us one, else it becomes 31 / 71 as qmail-queue.
#ifndef MAILSUITE_FILTER_NEXT_QUEUE_H_
#define MAILSUITE_FILTER_NEXT_QUEUE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "envelope.h"

namespace ms::filter {

// $FILTER_NEXT, else mailsuite-queue in BinDir().
std::string NextQueueProgram();

// Sends prefix (header lines the filter adds) and then the len octets of
// message_fd from offset 0, then the envelope.  Returns the exit code the
// filter should exit with: 0 queued, the next program's own code, 82 with
// a chained filter's text relayed to fd 6, 54 when the spool could not be
// read, or 71 (31 for a permanent refusal) when the program could not be
// started, did not take the whole message, was killed or timed out.  *why says what went wrong for the log.
int HandToNextQueue(const std::string& program, std::string_view prefix, int message_fd, uint64_t offset,
                    uint64_t len, const Envelope& envelope, bool pass_fd6, std::string* why);

// Whether $FILTER_NEXT is unset or names the mailsuite-queue in BinDir()
// (the same file): then a pooled worker may hand on to a queue helper.
bool NextIsTheQueue();

// A pooled worker's hand-off without an exec (FILTER_POOL.md "Hand-off to
// the queue"): prefix and the len octets of message_fd from offset, then
// the envelope, to the queue helper on socket helper (smtpd/QUEUE_HELPER.md
// "Protocol": "Q" with two pipes, one byte back, mailsuite-queue's exit
// code).  Returns that code, 54 when the spool could not be read, or 71
// when the helper is gone, did not answer within kQueueTimeoutSeconds or
// did not take the whole message (a failed write wins over its 0).
// The worker must not use the helper again after anything but 0.
int HandToQueueHelper(int helper, std::string_view prefix, int message_fd, uint64_t offset, uint64_t len,
                      const Envelope& envelope, std::string* why);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_NEXT_QUEUE_H_
