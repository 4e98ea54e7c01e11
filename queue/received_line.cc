#include "queue/received_line.h"

#include "queue/rfc5322_date.h"

namespace ms::queue {

std::string MakeReceivedLine(pid_t pid, uid_t uid, time_t when) {
  return "Received: (mailsuite-queue " + std::to_string(pid) + " invoked by uid " +
         std::to_string(uid) + "); " + FormatRfc5322Date(when) + "\n";
}

}  // namespace ms::queue
