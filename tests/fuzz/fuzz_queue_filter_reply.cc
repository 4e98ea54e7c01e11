// lib/queue_client: what a content filter writes to fd 6 before exit 82
// (its D/Z verdict), as MakeQueueVerdict reads it.  The text goes into an
// SMTP reply and logs, so it must come out one short printable line with
// an enhanced code of the verdict's class.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "queue_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view reply(reinterpret_cast<const char*>(data), size);
  ms::ExitStatus status{true, ms::kFilterReplyExit, 0};
  ms::QueueVerdict v = ms::MakeQueueVerdict(status, false, false, reply);
  if (v.queued) std::abort();
  if (v.text.empty() || v.text.size() > 400 || v.filter_line.size() > 400) std::abort();
  for (char c : v.text + v.filter_line)
    if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) >= 127) std::abort();
  if (v.enhanced.empty() || v.enhanced[0] != (v.permanent ? '5' : '4')) std::abort();
  // A failed write wins, whatever the filter said.
  if (ms::MakeQueueVerdict({true, 0, 0}, true, false, reply).queued) std::abort();
  return 0;
}
