// libFuzzer: lib/dns as rblsmtpd and rblcheck read an answer (libowfat's
// dns_txt_packet and dns_ip4_packet through ReadTxtText/ReadIp4) and the
// server-failure check against the query (IsServerFailure), with the query
// id and question patched in often enough to reach the records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dns_lookup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ms::dns;
  if (size < 1) return 0;
  static const std::string kName = WireFromDotted("2.0.0.127.bl.test");
  std::string type = (data[0] & 1) ? std::string("\0\x10", 2) : std::string("\0\x01", 2);
  std::string query = std::string("\x12\x34\x01\0\0\x01\0\0\0\0\0\0", 12) + kName + type +
                      std::string("\0\x01", 2);
  std::string packet(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 2) {
    // Make it relevant: the query's header and question, then fuzz data.
    std::string relevant = query;
    relevant[2] = static_cast<char>(0x81);
    relevant += packet;
    if (relevant.size() > 7) relevant[7] = static_cast<char>(data[0] >> 2);  // answer count
    packet = relevant;
  }
  Reply reply;
  reply.answered = true;
  reply.packet = packet;
  std::string text;
  std::vector<uint32_t> a;
  if (ReadTxtText(reply, &text) == Status::kFound && text.empty()) __builtin_trap();
  if (ReadIp4(reply, &a) == Status::kFound && a.size() * 4 > packet.size()) __builtin_trap();
  (void)IsServerFailure(packet, query);
  (void)WireFromDotted(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
