// The result of one delivery attempt for one recipient, and how the
// deliverers' outputs map to it: mailsuite-local's exit code and reason
// line, mailsuite-remote's report (REPORT format, see send/DELIVERY.md).
#ifndef MAILSUITE_SEND_OUTCOME_H_
#define MAILSUITE_SEND_OUTCOME_H_

#include <string>
#include <string_view>
#include <vector>

#include "child.h"

namespace ms::send {

enum class Outcome { kSuccess, kDeferral, kFailure };

struct RecipientOutcome {
  Outcome outcome = Outcome::kDeferral;
  std::string reason;
};

// Longest reason kept from a deliverer (the state file keeps 1000).
inline constexpr size_t kMaxReason = 4000;

// mailsuite-local: exit 0 / 100 / 111 (anything else, or a crash, is a
// deferral); reason = the first line of its fd 1.
RecipientOutcome LocalOutcome(const ExitStatus& status, std::string_view output);

// mailsuite-remote: one outcome per recipient (count of them).
std::vector<RecipientOutcome> ParseRemoteReport(const ExitStatus& status,
                                                std::string_view report, size_t recipients);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_OUTCOME_H_
