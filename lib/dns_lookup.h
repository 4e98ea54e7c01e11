// DNS lookups, one way for every program (rblsmtpd, rblcheck, remote,
// the coming SPF check): libowfat's dns_transmit state machine, the djbdns
// code ucspi-tcp's rblsmtpd runs.  Servers come from $DNSCACHEIP, else
// /etc/resolv.conf (dns_resolvconfip); UDP on djbdns's resend schedule
// (1, 3, 11, 45 s per round over all servers), TCP when the answer is
// truncated, answers checked against the question by dns_transmit.
//
// Several lookups run at once in one iopause loop (Lookups).  Each gives up
// after its own timeout, at the caller's deadline, and at once when every
// configured server answered SERVFAIL/REFUSED or refused the port (djbdns
// would keep resending to them for about 11 s).
//
// Results are three-valued, because the difference decides between a
// verdict or a bounce and a retry: found, not found (the name does not
// exist or has no such records), temporary.
#ifndef MAILSUITE_LIB_DNS_LOOKUP_H_
#define MAILSUITE_LIB_DNS_LOOKUP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"

namespace ms::dns {

enum class Type : uint16_t { kA = 1, kCname = 5, kPtr = 12, kMx = 15, kTxt = 16, kAaaa = 28 };

enum class Status {
  kFound,      // records of the asked type
  kNotFound,   // the name does not exist (NXDOMAIN) or has no such records
  kTemporary,  // timeout, every server failed, unreadable answer: ask again later
};

// What one lookup got back: an answer packet (NOERROR or NXDOMAIN) or why
// there is none.
struct Reply {
  bool answered = false;
  bool no_such_name = false;  // NXDOMAIN
  std::string packet;         // the answer as received, when answered
  std::string error;          // why not, when !answered
};

class Lookups {
 public:
  // timeout_ms bounds each lookup from its Start.
  explicit Lookups(int64_t timeout_ms);
  ~Lookups();
  Lookups(const Lookups&) = delete;
  Lookups& operator=(const Lookups&) = delete;

  // Sends the question now; returns its index.  A name that cannot be
  // encoded (a label over 63 bytes, over 255 in all) fails at once.
  size_t Start(std::string_view dotted_name, Type type);
  size_t StartWire(std::string_view wire_name, Type type);
  // Drives every pending lookup until this one has its reply or deadline
  // passes (then it counts as a temporary failure).
  const Reply& Wait(size_t index, const Deadline& deadline);

 private:
  struct Pending;
  size_t Fail(std::unique_ptr<Pending> lookup, std::string error);
  void ReadServers();
  void Pump(const Deadline& deadline);

  int64_t timeout_ms_;
  bool servers_read_ = false;
  char servers_[256] = {};
  size_t server_count_ = 0;
  std::vector<std::unique_ptr<Pending>> lookups_;
};

// One lookup on its own.
Reply LookupWire(std::string_view wire_name, Type type, int64_t timeout_ms);

// Reading a reply as djbdns's readers do (the rbl verdicts must be the
// reference's): every IN TXT character-string in the answer section
// concatenated, bytes outside 32..126 as '?' (dns_txt_packet); every IN A
// record with 4 data bytes, in packet order, as host-order numbers
// (dns_ip4_packet, without its shuffle).  kFound when there is text / an address.
Status ReadTxtText(const Reply& reply, std::string* text);
Status ReadIp4(const Reply& reply, std::vector<uint32_t>* addresses);

// One record owned by the end of the CNAME chain.
struct Record {
  std::string name;                  // MX exchange, CNAME or PTR target (wire form, lower case)
  unsigned preference = 0;           // MX
  std::string data;                  // A / AAAA bytes; raw rdata for other types
  std::vector<std::string> strings;  // TXT: the record's character-strings
};

// The longest CNAME chain followed, over all the answers of one lookup.
constexpr int kMaxCnameHops = 8;

// The records of type owned by name (wire form), after following CNAMEs
// inside the packet from name; *final_name gets the end of the chain (wire
// form, lower case), *chain (when given) every name of it from name on.
// False when the packet is malformed, the chain loops or has more than
// kMaxCnameHops CNAMEs.  Reads with libowfat's dns_packet_* helpers.
bool ReadRecords(std::string_view packet, std::string_view name_wire, Type type,
                 std::vector<Record>* records, std::string* final_name,
                 std::vector<std::string>* chain = nullptr);

// One lookup of type at a name with its CNAME chain followed to the end:
// inside each answer, and, when a server answers with the CNAME alone (an
// authoritative server does, a recursive resolver usually adds the
// chain), by asking again for the target.  The chain over all answers has
// at most kMaxCnameHops CNAMEs.  A loop or a longer chain is kTemporary,
// as a recursive resolver answers it with SERVFAIL (RFC 1034 3.6.2: "CNAME
// loops signalled as an error"): the owner can repair it, and a verdict
// must not come from a broken zone.  The rcode of an answer belongs to
// the end of its chain (RFC 2308 2.1), so NXDOMAIN after a CNAME is the
// target's and is final.
struct ChasedAnswer {
  Status status = Status::kTemporary;  // kNotFound: NXDOMAIN or no records at the chain's end
  bool no_such_name = false;           // the chain's end does not exist (NXDOMAIN)
  std::vector<Record> records;         // of type, owned by final_name
  std::string final_name;              // wire form, lower case
  int queries = 0;                     // questions asked (1 + re-asked targets)
  int cname_hops = 0;                  // CNAMEs followed, in all answers
  std::string error;                   // why, when kTemporary
};

// ask(name_wire) gets the reply to "name type?": the DNS, or a test's packets.
using AskFunction = std::function<Reply(std::string_view name_wire)>;
ChasedAnswer ChaseCnames(std::string_view name_wire, Type type, const AskFunction& ask);

// ChaseCnames over the DNS: each question bounded by timeout_ms, all of
// them by deadline.
ChasedAnswer LookupChasingCnames(std::string_view name_wire, Type type, int64_t timeout_ms,
                                 const Deadline& deadline);

// Wire form <-> dotted text.  WireFromDotted is dns_domain_fromdot, lower
// cased; "" when the name cannot be encoded.  DottedFromWire: lower case
// as given, no final dot, bytes kept as they are.
std::string WireFromDotted(std::string_view dotted);
std::string DottedFromWire(std::string_view wire);

// True when reply is a relevant answer (id, question, type, class as
// dns_transmit checks them) that is not truncated and says SERVFAIL,
// REFUSED or another failure code.  question: the query packet.
bool IsServerFailure(std::string_view reply, std::string_view question);

}  // namespace ms::dns

#endif  // MAILSUITE_LIB_DNS_LOOKUP_H_
