// The two classic outages the seed describes, checked before they hurt:
// a machine so loaded that accepting more makes it worse (refusela), and a
// queue filesystem about to fill up (queueminfree).
#ifndef MAILSUITE_SMTPD_LOAD_GUARD_H_
#define MAILSUITE_SMTPD_LOAD_GUARD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ms::smtpd {

// The 1-minute load average from the text of /proc/loadavg.
std::optional<double> ParseLoadAverage(std::string_view proc_loadavg);
// The current 1-minute load average; nullopt if it cannot be read.
std::optional<double> CurrentLoadAverage();

// Whether the filesystem holding dir has at least min_free + incoming
// bytes available to unprivileged writers and some inodes left.  Unknown
// (statvfs failed) counts as room: a missing queue fails later, clearly.
bool QueueHasRoom(const std::string& dir, uint64_t min_free, uint64_t incoming);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_LOAD_GUARD_H_
