// libFuzzer target: DNS answer parsing for mailsuite-remote
// (remote/resolver.h ParseAnswers), the part of a DNS reply we read
// ourselves: records, compression pointers, CNAME chains.  The first byte
// picks the query type and name; the rest is the packet.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "remote/resolver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kTypes[] = {"\0\x01", "\0\x1c", "\0\x0f", "\0\x05"};
  static const std::string kNames[] = {ms::remote::WireFromDotted("example.test"),
                                       ms::remote::WireFromDotted("a.b")};
  const char* qtype = kTypes[data[0] & 3];
  const std::string& name = kNames[(data[0] >> 2) & 1];
  std::string_view packet(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<ms::remote::RawRecord> records;
  std::string final_name;
  if (ms::remote::ParseAnswers(packet, name, qtype, &records, &final_name)) {
    (void)ms::remote::DottedFromWire(final_name);
    for (const auto& r : records) {
      if (r.rdata.size() > packet.size()) __builtin_trap();
      (void)ms::remote::DottedFromWire(r.rdata_name);
    }
  }
  return 0;
}
