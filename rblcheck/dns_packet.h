// DNS queries we send and the answers we accept (RFC 1035 wire format).
// The answer reading follows djbdns/ucspi-tcp (dns_txt_packet,
// dns_ip4_packet, dns_transmit's relevance checks) so that a zone's
// verdict is the reference's.
#ifndef MAILSUITE_RBLCHECK_DNS_PACKET_H_
#define MAILSUITE_RBLCHECK_DNS_PACKET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ms::rbl {

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeTxt = 16;

// Dotted name to wire labels ("a.b" -> "\1a\1b\0"), as libowfat's
// dns_domain_fromdot (backslash escapes, empty labels skipped); nullopt
// when a label exceeds 63 bytes or the name 255.
std::optional<std::string> NameToWire(std::string_view dotted);

// Header (recursion desired) and one IN question.
std::string BuildQuery(uint16_t id, std::string_view wire_name, uint16_t qtype);

enum class AnswerKind {
  kIrrelevant,    // not an answer to this query: ignore it, keep waiting
  kServerFailed,  // SERVFAIL, REFUSED, ...: ask the next server
  kTruncated,     // TC bit: ask again over TCP
  kMalformed,     // relevant but unreadable: temporary failure
  kUsable,        // NOERROR or NXDOMAIN with the records read
};

struct Answer {
  AnswerKind kind = AnswerKind::kIrrelevant;
  // TXT: every character-string of every IN TXT record concatenated,
  // bytes outside 32..126 replaced by '?' (djbdns dns_txt_packet).
  std::string txt;
  // IN A records with 4 data bytes, in packet order, host order.
  std::vector<uint32_t> a;
};

// Reads packet as the answer to query (as built by BuildQuery).
Answer ParseAnswer(std::string_view packet, std::string_view query);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_DNS_PACKET_H_
