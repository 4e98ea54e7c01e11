// The filter's hand-off to the next queue program ($FILTER_NEXT, default
// mailsuite-queue): the qmail-queue protocol as a caller, message on the
// child's fd 0, envelope on its fd 1, our fd 6 passed through as its fd 6
// so a chained filter's own reply text reaches smtpd.  Kept in this one
// file so it can move to the shared lib/queue_client when that lands.
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
// filter should exit with: the next program's own, or 71 when it could not
// be started or was killed.  *why says what went wrong for the log.
int HandToNextQueue(const std::string& program, std::string_view prefix, int message_fd, uint64_t offset,
                    uint64_t len, const Envelope& envelope, bool pass_fd6, std::string* why);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_NEXT_QUEUE_H_
