// libFuzzer target: the filter's streaming MIME walk (filter/mime_walk.h)
// and the zip directory reader.  The first input byte picks the chunk size,
// so the same message is also fed split at every kind of place; small
// limits keep each run short.  Invariants: parts never exceed the limit,
// the depth never exceeds it, an attachment size never exceeds the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "filter/mime_walk.h"

namespace {

struct Sink : ms::filter::WalkHandler {
  size_t input = 0;
  void OnHeader(std::string_view, std::string_view) override {}
  void OnAttachment(std::string_view, uint64_t size, std::string_view inside) override {
    if (inside.empty() && size > input) std::abort();
  }
  void OnBodyLine(std::string_view line) override {
    if (line.size() > 4096) std::abort();
  }
  bool WantsBody() const override { return true; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = 1 + data[0] % 64;
  std::string_view msg(reinterpret_cast<const char*>(data) + 1, size - 1);
  ms::filter::WalkLimits limits;
  limits.max_depth = 8;
  limits.max_parts = 50;
  limits.max_header_bytes = 2048;
  limits.max_line = 4096;
  limits.zip_tail = 4096;
  limits.max_zip_entries = 64;
  Sink sink;
  sink.input = msg.size();
  ms::filter::MimeWalker walker(limits, &sink);
  for (size_t i = 0; i < msg.size(); i += chunk) walker.Feed(msg.substr(i, chunk));
  walker.Finish();
  if (walker.parts() > limits.max_parts + 1 || walker.max_depth_seen() > limits.max_depth) std::abort();
  std::vector<ms::filter::ZipEntry> entries;
  if (ms::filter::ReadZipDirectory(msg, 16, &entries) && entries.size() > 16) std::abort();
  return 0;
}
