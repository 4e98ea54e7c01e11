// mailsuite-remote's report as mailsuite-send parses it: whatever the
// bytes, every recipient gets exactly one outcome, a success only with a
// complete 'r' record and a complete K record, and reasons stay bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "send/outcome.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t recipients = data[0] % 8;
  bool crashed = (data[1] & 1) != 0;
  int code = data[1] >> 1;
  std::string_view report(reinterpret_cast<const char*>(data + 2), size - 2);
  ms::ExitStatus status{!crashed, crashed ? -1 : code, crashed ? 9 : 0};
  auto out = ms::send::ParseRemoteReport(status, report, recipients);
  if (out.size() != recipients) std::abort();
  bool has_k = report.find(std::string_view("\0K", 2)) != std::string_view::npos ||
               (report.size() > 0 && report[0] == 'K');
  for (const auto& o : out) {
    if (o.reason.size() > ms::send::kMaxReason + 200) std::abort();
    if (o.outcome == ms::send::Outcome::kSuccess && (crashed || (code != 0 && code != 100) || !has_k)) std::abort();
  }
  return 0;
}
