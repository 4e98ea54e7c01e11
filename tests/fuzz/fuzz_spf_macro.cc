// libFuzzer: SPF macro-strings (lib/spf_macro) in both uses.  What
// CheckMacroString accepts ExpandMacroString expands (or refuses as too
// long), and the expansion stays bounded.
#include <cstddef>
#include <cstdint>
#include <string>

#include "spf_macro.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ms::spf::MacroValues v;
  v.sender = "strong-bad@email.example.com";
  v.local_part = "strong-bad";
  v.sender_domain = "email.example.com";
  v.domain = "email.example.com";
  v.ip = size % 2 ? *ms::IpAddress::Parse("192.0.2.3") : *ms::IpAddress::Parse("2001:db8::cb01");
  v.helo = "mx.example.org";
  v.receiver = "mail.example.net";
  v.now = 1700000000;
  v.validated_name = [] { return std::string("mx.example.org"); };
  for (auto use : {ms::spf::MacroUse::kDomainSpec, ms::spf::MacroUse::kExplanation}) {
    std::string error, out;
    bool valid = ms::spf::CheckMacroString(text, use, &error);
    bool expanded = ms::spf::ExpandMacroString(text, use, v, &out, &error);
    if (valid != expanded && !(valid && error == "macro expansion too long")) __builtin_trap();
    if (out.size() > 65536 + 4096) __builtin_trap();
    std::string truncated = ms::spf::TruncateDomain(out);
    if (truncated.size() > 253) __builtin_trap();
  }
  return 0;
}
