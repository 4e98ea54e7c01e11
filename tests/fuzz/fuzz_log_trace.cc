// libFuzzer target: what mailsuite-log and send's `new` line read that
// others wrote: a message head (Message-ID, mailsuite-queue's Received;
// send/trace_ids.h) and log files (service/log_stream.h, log_trace.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "send/trace_ids.h"
#include "service/log_stream.h"
#include "service/log_trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ms::send::FindTraceIds(in);
  std::string partial, last;
  std::vector<ms::setup::LogEntry> entries;
  ms::setup::SplitEntries(in.substr(0, size / 2), "smtpd", &partial, &last, &entries);
  ms::setup::SplitEntries(in.substr(size / 2), "send", &partial, &last, &entries);
  ms::setup::SortByTime(&entries);
  ms::setup::MessageTrace by_id("1.1795374953330350"), by_mid("<m@x>");
  for (const auto& e : entries) {
    ms::setup::LocalTimeText(e.stamp);
    by_id.Feed(e);
    by_mid.Feed(e);
  }
  return 0;
}
