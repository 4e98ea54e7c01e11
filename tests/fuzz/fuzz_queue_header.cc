// libFuzzer target: the queue-file header and state-file parsers
// (lib/queue_layout.h).  A parsed header is consistent with the file size
// and formats back to the same 64 bytes' meaning.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "queue_layout.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  uint64_t file_size = 0;
  if (size >= 8) std::memcpy(&file_size, data, 8);
  for (uint64_t fs : {file_size, static_cast<uint64_t>(size), file_size % 100000}) {
    std::string_view header = size >= 8 ? text.substr(8) : text;
    auto h = ms::ParseQueueHeader(header, fs);
    if (h.ok()) {
      if (h->envelope_offset + h->envelope_length != fs) std::abort();
      if (h->message_offset + h->message_length != h->envelope_offset) std::abort();
      auto again = ms::ParseQueueHeader(ms::FormatQueueHeader(*h), fs);
      if (!again.ok() || again->queued_time != h->queued_time) std::abort();
    }
  }
  for (const auto& [index, record] : ms::ParseStateFile(text)) {
    if (record.index != index) std::abort();
    if (!std::strchr("DBbZ", record.code)) std::abort();
    auto again = ms::ParseStateFile(ms::FormatStateRecord(record));
    if (again.size() != 1 || again.begin()->second.code != record.code) std::abort();
  }
  ms::IsValidQueueId(text);
  return 0;
}
