// Fuzzes the dot-qmail parser (local/dot_file.h) and the dot-file name
// search: any bytes either parse into instructions that respect the
// parser's promises, or give a temporary (111) error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "local/dot_file.h"
#include "local/dot_search.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool forward_only = size > 0 && (data[0] & 1);
  auto r = ms::local::ParseDotFile(text, forward_only);
  if (!r.ok()) {
    if (r.error().code != 111 || r.error().message.empty()) std::abort();
  } else {
    for (const auto& ins : r->instructions) {
      if (ins.target.empty() || ins.target.find('\0') != std::string::npos) std::abort();
      if (ins.target.find('\n') != std::string::npos) std::abort();
      if (ins.target.size() > ms::local::kMaxDotLine) std::abort();
      bool is_file = ins.kind == ms::local::Delivery::kMaildir || ins.kind == ms::local::Delivery::kMbox;
      if (is_file && ms::local::HasDotDotComponent(ins.target)) std::abort();
      if (forward_only && ins.kind != ms::local::Delivery::kForward) std::abort();
    }
  }
  // The first line as an extension: candidate names never hold a '/'.
  std::string_view ext = text.substr(0, text.find('\n'));
  if (ext.size() < 512) {
    for (const auto& c : ms::local::DotFileCandidates("-", ext))
      if (c.name.find('/') != std::string::npos) std::abort();
  }
  return 0;
}
