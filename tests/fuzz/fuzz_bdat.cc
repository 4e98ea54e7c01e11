// libFuzzer target for CHUNKING: the BDAT argument parser, the chunked
// DataDecoder (any split of the same bytes gives the same message) and the
// whole session driving BDAT over a memory transport.  The first byte
// picks the read size and the databytes limit.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpd/bdat.h"
#include "smtpd/data_decoder.h"
#include "smtpd/session.h"
#include "tests/unit/smtpd_memory_io.h"

using namespace ms::smtpd;

namespace {

std::string DecodeChunked(std::string_view in, size_t split, bool* bare) {
  DataDecoder d(200, DataDecoder::Framing::kChunked);
  std::string out;
  if (d.Feed(in.substr(0, split), &out) != split) std::abort();
  if (d.Feed(in.substr(split), &out) != in.size() - split) std::abort();
  d.EndChunked(&out);
  if (!d.done()) std::abort();
  *bare = d.bare_cr() || d.bare_lf();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  unsigned knobs = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  if (auto args = ParseBdatArgs(input)) {
    std::string again = std::to_string(args->size) + (args->last ? " LAST" : "");
    auto reparsed = ParseBdatArgs(again);
    if (!reparsed || reparsed->size != args->size || reparsed->last != args->last) std::abort();
  }
  bool bare1 = false, bare2 = false;
  std::string whole = DecodeChunked(input, 0, &bare1);
  std::string split = DecodeChunked(input, input.size() / 2, &bare2);
  if (whole != split || bare1 != bare2) std::abort();
  if (!bare1 && whole.find('\r') != std::string::npos) std::abort();

  Config config = testing::TestConfig();
  config.databytes = (knobs & 1) ? 300 : 0;
  testing::MemoryQueue queue;
  // Sessions start with a transaction so that BDAT commands in the input
  // reach the chunk reader.
  std::string script = "EHLO c\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<u@example.test>\r\n";
  script.append(input);
  testing::MemoryTransport transport(script, 1 + (knobs >> 4) * 5, (knobs & 2) != 0);
  Session session(config, &transport, queue.Factory(), testing::QuietHooks());
  session.Run();
  for (const auto& m : queue.queued)
    if (m.data.find('\r') != std::string::npos) std::abort();  // a queued message never holds CR
  return 0;
}
