// libFuzzer target: lib/dns ReadRecords, the owner-checked reading of a DNS
// answer mailsuite-remote (and the SPF check) use: records, compression
// pointers, CNAME chains, TXT character-strings.  The first byte picks the
// query type and name; the rest is the packet.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns_lookup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ms::dns::Type;
  if (size == 0) return 0;
  static const Type kTypes[] = {Type::kA, Type::kAaaa, Type::kMx, Type::kCname,
                                Type::kTxt, Type::kPtr, Type::kA, Type::kTxt};
  static const std::string kNames[] = {ms::dns::WireFromDotted("example.test"),
                                       ms::dns::WireFromDotted("a.b")};
  Type type = kTypes[data[0] & 7];
  const std::string& name = kNames[(data[0] >> 3) & 1];
  std::string_view packet(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<ms::dns::Record> records;
  std::string final_name;
  if (ms::dns::ReadRecords(packet, name, type, &records, &final_name)) {
    (void)ms::dns::DottedFromWire(final_name);
    for (const auto& r : records) {
      if (r.data.size() > packet.size()) __builtin_trap();
      size_t strings = 0;
      for (const auto& s : r.strings) strings += s.size() + 1;
      if (strings != r.data.size() && type == Type::kTxt) __builtin_trap();
      (void)ms::dns::DottedFromWire(r.name);
    }
  }
  return 0;
}
