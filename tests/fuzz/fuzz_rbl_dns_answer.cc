// libFuzzer: rblcheck/dns_packet (rblsmtpd, rblcheck): a DNS answer packet against a fixed query (TXT or A), with
// the query id and question patched in often enough to reach the records.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rblcheck/dns_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ms::rbl;
  if (size < 1) return 0;
  uint16_t type = (data[0] & 1) ? kTypeTxt : kTypeA;
  std::string query = BuildQuery(0x1234, *NameToWire("2.0.0.127.bl.test"), type);
  std::string packet(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 2) {
    // Make it relevant: the query's header and question, then fuzz data.
    std::string relevant = query;
    relevant[2] = static_cast<char>(0x81);
    relevant += packet;
    if (relevant.size() > 7) relevant[7] = static_cast<char>(data[0] >> 2);  // answer count
    packet = relevant;
  }
  Answer a = ParseAnswer(packet, query);
  (void)a;
  NameToWire(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
