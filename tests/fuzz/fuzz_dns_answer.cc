// libFuzzer target: lib/dns ReadRecords, the owner-checked reading of a DNS
// answer mailsuite-remote (and the SPF check) use: records, compression
// pointers, CNAME chains, TXT character-strings; and ChaseCnames, which
// asks again for a CNAME's target: the input's packets, split at the
// byte string "\xff\xfe\xfd", answer its successive questions.  The first
// byte picks the query type and name (and whether the answers say
// NXDOMAIN); the rest are the packets.
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
  bool nxdomain = (data[0] >> 4) & 1;
  std::string_view packet(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<ms::dns::Record> records;
  std::string final_name;
  std::vector<std::string> chain;
  if (ms::dns::ReadRecords(packet, name, type, &records, &final_name, &chain)) {
    (void)ms::dns::DottedFromWire(final_name);
    if (chain.empty() || chain.back() != final_name) __builtin_trap();
    if (chain.size() > static_cast<size_t>(ms::dns::kMaxCnameHops) + 1) __builtin_trap();
    for (const auto& r : records) {
      if (r.data.size() > packet.size()) __builtin_trap();
      size_t strings = 0;
      for (const auto& s : r.strings) strings += s.size() + 1;
      if (strings != r.data.size() && type == Type::kTxt) __builtin_trap();
      (void)ms::dns::DottedFromWire(r.name);
    }
  }
  std::vector<std::string_view> packets;
  for (std::string_view rest = packet;;) {
    size_t cut = rest.find("\xff\xfe\xfd");
    packets.push_back(rest.substr(0, cut));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 3);
  }
  size_t next = 0;
  ms::dns::ChasedAnswer chased = ms::dns::ChaseCnames(name, type, [&](std::string_view) {
    ms::dns::Reply reply;
    if (next >= packets.size()) return reply;  // no more answers: a timeout
    reply.answered = true;
    reply.no_such_name = nxdomain;
    reply.packet.assign(packets[next++]);
    return reply;
  });
  if (chased.queries > ms::dns::kMaxCnameHops + 1) __builtin_trap();
  if (chased.status != ms::dns::Status::kTemporary && chased.cname_hops > ms::dns::kMaxCnameHops) __builtin_trap();
  if (chased.status == ms::dns::Status::kFound && chased.records.empty()) __builtin_trap();
  return 0;
}
