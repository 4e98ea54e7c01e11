#include "dns_lookup.h"

#include <sys/random.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

// iopause.h lacks the extern "C" that libowfat's other headers have; it
// must come first, dns.h includes it too.
extern "C" {
#include <iopause.h>
}
#include <dns.h>
#include <stralloc.h>
#include <taia.h>

namespace ms::dns {

namespace {

constexpr size_t kServerSlots = 16;  // dns_resolvconfip: 16 addresses of 16 bytes
constexpr char kAnyLocalIp[16] = {};

void TypeBytes(Type type, char out[2]) {
  auto v = static_cast<uint16_t>(type);
  out[0] = static_cast<char>(v >> 8);
  out[1] = static_cast<char>(v & 255);
}

unsigned Get16(const char* p) {
  return (static_cast<unsigned char>(p[0]) << 8) | static_cast<unsigned char>(p[1]);
}

void LowerWire(std::string* wire) {
  for (char& c : *wire) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

void InitRandomOnce() {
  static bool done = false;
  if (done) return;
  char seed[128] = {};
  if (getrandom(seed, sizeof seed, 0) < 0) std::memset(seed, 0, sizeof seed);
  dns_random_init(seed);
  done = true;
}

// libowfat allocates; this owns a stralloc for one call.
struct OwnedStralloc {
  stralloc sa{};
  ~OwnedStralloc() { stralloc_free(&sa); }
};

// dns_packet_getname into a std::string (wire form, lower case); 0 when
// malformed.
unsigned GetName(std::string_view packet, unsigned pos, std::string* out) {
  char* name = nullptr;
  unsigned next = dns_packet_getname(packet.data(), static_cast<unsigned>(packet.size()), pos, &name);
  if (next && name) {
    out->assign(name, dns_domain_length(name));
    LowerWire(out);
  }
  dns_domain_free(&name);
  return next;
}

struct AnswerRecord {
  std::string owner;  // wire form, lower case
  char type[2];
  unsigned data_pos;
  unsigned data_len;
};

// The IN records of the answer section; false when malformed.
bool ReadAnswerSection(std::string_view packet, std::vector<AnswerRecord>* answers) {
  const char* buf = packet.data();
  auto len = static_cast<unsigned>(packet.size());
  char header[12];
  unsigned pos = dns_packet_copy(buf, len, 0, header, 12);
  if (!pos) return false;
  unsigned questions = Get16(header + 4);
  unsigned count = Get16(header + 6);
  for (unsigned i = 0; i < questions; ++i) {
    pos = dns_packet_skipname(buf, len, pos);
    if (!pos || pos + 4 > len) return false;
    pos += 4;
  }
  for (unsigned i = 0; i < count; ++i) {
    AnswerRecord a;
    pos = GetName(packet, pos, &a.owner);
    if (!pos) return false;
    char rr[10];
    pos = dns_packet_copy(buf, len, pos, rr, 10);
    if (!pos) return false;
    std::memcpy(a.type, rr, 2);
    a.data_len = Get16(rr + 8);
    a.data_pos = pos;
    if (pos + a.data_len > len) return false;
    pos += a.data_len;
    if (std::memcmp(rr + 2, DNS_C_IN, 2) == 0) answers->push_back(std::move(a));
  }
  return true;
}

// A TXT record's character-strings; false when one runs past the data.
bool SplitStrings(std::string_view rdata, std::vector<std::string>* strings) {
  size_t pos = 0;
  while (pos < rdata.size()) {
    size_t n = static_cast<unsigned char>(rdata[pos++]);
    if (pos + n > rdata.size()) return false;
    strings->emplace_back(rdata.substr(pos, n));
    pos += n;
  }
  return true;
}

bool ReadRecord(std::string_view packet, const AnswerRecord& a, Type type, Record* r) {
  switch (type) {
    case Type::kMx:
      if (a.data_len < 3) return false;
      r->preference = Get16(packet.data() + a.data_pos);
      return GetName(packet, a.data_pos + 2, &r->name) != 0;
    case Type::kCname:
    case Type::kPtr:
      return GetName(packet, a.data_pos, &r->name) != 0;
    case Type::kTxt:
      r->data.assign(packet.substr(a.data_pos, a.data_len));
      return SplitStrings(r->data, &r->strings);
    case Type::kA:
    case Type::kAaaa:
      break;
  }
  r->data.assign(packet.substr(a.data_pos, a.data_len));
  return true;
}

}  // namespace

// ---------------------------------------------------------------- lookups

struct Lookups::Pending {
  dns_transmit tx;
  Reply reply;
  bool done = false;
  int64_t give_up_ms = 0;
  bool server_failed[kServerSlots] = {};

  Pending() { std::memset(&tx, 0, sizeof tx); }
  ~Pending() { dns_transmit_free(&tx); }

  void Finish(std::string error) {
    reply.answered = false;
    reply.error = std::move(error);
    done = true;
    dns_transmit_free(&tx);
  }

  void Answered() {
    reply.answered = true;
    reply.packet.assign(tx.packet, tx.packetlen);
    reply.no_such_name = reply.packet.size() >= 4 && (reply.packet[3] & 15) == 3;
    done = true;
    dns_transmit_free(&tx);
  }

  // Before dns_transmit_get reads a UDP answer: note a server that failed
  // (an answer saying so, or the port refused), which dns_transmit would
  // only skip for this round.
  void NoteServerFailure(const iopause_fd& x) {
    if (tx.tcpstate != 0 || !x.revents || !tx.query || tx.curserver >= kServerSlots) return;
    char buf[600];
    ssize_t r = recv(x.fd, buf, sizeof buf, MSG_PEEK);
    if (r < 0) {
      if (errno == ECONNREFUSED) server_failed[tx.curserver] = true;
      return;
    }
    std::string_view question(tx.query + 2, tx.querylen - 2);  // after TCP's length prefix
    if (IsServerFailure(std::string_view(buf, static_cast<size_t>(r)), question)) {
      server_failed[tx.curserver] = true;
    }
  }

  size_t FailedServers() const {
    size_t n = 0;
    for (bool failed : server_failed) n += failed;
    return n;
  }
};

Lookups::Lookups(int64_t timeout_ms) : timeout_ms_(timeout_ms) {}

// On the first lookup only: a program with nothing to ask opens no file.
void Lookups::ReadServers() {
  if (servers_read_) return;
  servers_read_ = true;
  InitRandomOnce();
  std::memset(servers_, 0, sizeof servers_);
  if (dns_resolvconfip(servers_) == -1) std::memset(servers_, 0, sizeof servers_);
  for (size_t i = 0; i < kServerSlots; ++i) {
    static constexpr char kZero[16] = {};
    if (std::memcmp(servers_ + 16 * i, kZero, 16) != 0) ++server_count_;
  }
}

Lookups::~Lookups() = default;

size_t Lookups::Fail(std::unique_ptr<Pending> lookup, std::string error) {
  lookup->Finish(std::move(error));
  lookups_.push_back(std::move(lookup));
  return lookups_.size() - 1;
}

size_t Lookups::Start(std::string_view dotted_name, Type type) {
  char* wire = nullptr;
  std::string name;
  if (dns_domain_fromdot(&wire, dotted_name.data(), dotted_name.size()) && wire) {
    name.assign(wire, dns_domain_length(wire));
  }
  dns_domain_free(&wire);
  if (name.empty()) return Fail(std::make_unique<Pending>(), "bad domain name");
  return StartWire(name, type);
}

size_t Lookups::StartWire(std::string_view wire_name, Type type) {
  auto lookup = std::make_unique<Pending>();
  lookup->give_up_ms = MonotonicMs() + timeout_ms_;
  ReadServers();
  if (!server_count_) return Fail(std::move(lookup), "no DNS resolver configured");
  std::string name(wire_name);
  char qtype[2];
  TypeBytes(type, qtype);
  if (dns_transmit_start(&lookup->tx, servers_, 1, name.c_str(), qtype, kAnyLocalIp) == -1) {
    return Fail(std::move(lookup), std::string("DNS query failed: ") + std::strerror(errno));
  }
  lookups_.push_back(std::move(lookup));
  return lookups_.size() - 1;
}

void Lookups::Pump(const Deadline& deadline) {
  std::vector<iopause_fd> fds;
  std::vector<Pending*> owners;
  struct taia stamp, wake;
  taia_now(&stamp);
  int64_t now_ms = MonotonicMs();
  int64_t until_ms = now_ms + 120000;  // iopause's own bound, as djbdns's callers
  for (auto& lookup : lookups_) {
    if (lookup->done) continue;
    until_ms = std::min(until_ms, lookup->give_up_ms);
  }
  int limit = deadline.PollTimeout();
  if (limit >= 0) until_ms = std::min(until_ms, now_ms + limit);
  int64_t wait_ms = std::max<int64_t>(0, until_ms - now_ms);
  struct taia span;
  taia_uint(&span, static_cast<unsigned>(wait_ms / 1000));
  span.nano = static_cast<unsigned long>(wait_ms % 1000) * 1000000UL;
  taia_add(&wake, &stamp, &span);
  for (auto& lookup : lookups_) {
    if (lookup->done) continue;
    iopause_fd x{};
    dns_transmit_io(&lookup->tx, &x, &wake);  // lowers wake to its resend time
    fds.push_back(x);
    owners.push_back(lookup.get());
  }
  if (owners.empty()) return;
  iopause(fds.data(), static_cast<unsigned>(fds.size()), &wake, &stamp);
  for (size_t i = 0; i < owners.size(); ++i) {
    Pending& lookup = *owners[i];
    lookup.NoteServerFailure(fds[i]);
    int r = dns_transmit_get(&lookup.tx, &fds[i], &stamp);
    if (r == 1) {
      lookup.Answered();
    } else if (r == -1) {
      lookup.Finish(std::string("DNS failure: ") + std::strerror(errno));
    } else if (lookup.FailedServers() >= server_count_) {
      lookup.Finish("every DNS server failed or refused");
    }
  }
  now_ms = MonotonicMs();
  for (Pending* lookup : owners) {
    if (!lookup->done && now_ms >= lookup->give_up_ms) lookup->Finish("DNS timeout");
  }
}

const Reply& Lookups::Wait(size_t index, const Deadline& deadline) {
  Pending& lookup = *lookups_[index];
  while (!lookup.done) {
    if (deadline.Expired()) {
      lookup.Finish("DNS timeout");
      break;
    }
    Pump(deadline);
  }
  return lookup.reply;
}

Reply LookupWire(std::string_view wire_name, Type type, int64_t timeout_ms) {
  Lookups lookups(timeout_ms);
  return lookups.Wait(lookups.StartWire(wire_name, type), Deadline::Never());
}

// ---------------------------------------------------------------- reading

Status ReadTxtText(const Reply& reply, std::string* text) {
  text->clear();
  if (!reply.answered) return Status::kTemporary;
  OwnedStralloc out;
  if (dns_txt_packet(&out.sa, reply.packet.data(), static_cast<unsigned>(reply.packet.size())) == -1) {
    return Status::kTemporary;
  }
  text->assign(out.sa.s ? out.sa.s : "", out.sa.len);
  return text->empty() ? Status::kNotFound : Status::kFound;
}

// dns_ip4_packet's reading without its shuffle (dns_sortip): the first
// listed code must be the packet's first.
Status ReadIp4(const Reply& reply, std::vector<uint32_t>* addresses) {
  addresses->clear();
  if (!reply.answered) return Status::kTemporary;
  const char* buf = reply.packet.data();
  auto len = static_cast<unsigned>(reply.packet.size());
  char header[12];
  unsigned pos = dns_packet_copy(buf, len, 0, header, 12);
  if (!pos) return Status::kTemporary;
  unsigned count = Get16(header + 6);
  pos = dns_packet_skipname(buf, len, pos);
  if (!pos) return Status::kTemporary;
  pos += 4;
  while (count--) {
    pos = dns_packet_skipname(buf, len, pos);
    if (!pos) return Status::kTemporary;
    char rr[10];
    pos = dns_packet_copy(buf, len, pos, rr, 10);
    if (!pos) return Status::kTemporary;
    unsigned data_len = Get16(rr + 8);
    if (std::memcmp(rr, DNS_T_A, 2) == 0 && std::memcmp(rr + 2, DNS_C_IN, 2) == 0 && data_len == 4) {
      unsigned char b[4];
      if (!dns_packet_copy(buf, len, pos, reinterpret_cast<char*>(b), 4)) return Status::kTemporary;
      addresses->push_back((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3]);
    }
    pos += data_len;
  }
  return addresses->empty() ? Status::kNotFound : Status::kFound;
}

bool ReadRecords(std::string_view packet, std::string_view name_wire, Type type,
                 std::vector<Record>* records, std::string* final_name,
                 std::vector<std::string>* chain) {
  std::vector<AnswerRecord> answers;
  if (!ReadAnswerSection(packet, &answers)) return false;
  std::string current(name_wire);
  LowerWire(&current);
  std::vector<std::string> names{current};
  if (type != Type::kCname) {
    for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
      const AnswerRecord* cname = nullptr;
      for (const AnswerRecord& a : answers) {
        if (a.owner == current && std::memcmp(a.type, DNS_T_CNAME, 2) == 0) cname = &a;
      }
      if (!cname) break;
      if (hop == kMaxCnameHops) return false;
      if (!GetName(packet, cname->data_pos, &current)) return false;
      if (std::find(names.begin(), names.end(), current) != names.end()) return false;  // a loop
      names.push_back(current);
    }
  }
  *final_name = current;
  char qtype[2];
  TypeBytes(type, qtype);
  for (const AnswerRecord& a : answers) {
    if (a.owner != current || std::memcmp(a.type, qtype, 2) != 0) continue;
    Record r;
    if (!ReadRecord(packet, a, type, &r)) return false;
    records->push_back(std::move(r));
  }
  if (chain) *chain = std::move(names);
  return true;
}

ChasedAnswer ChaseCnames(std::string_view name_wire, Type type, const AskFunction& ask) {
  ChasedAnswer out;
  std::string current(name_wire);
  LowerWire(&current);
  std::vector<std::string> seen{current};  // every name of the chain so far
  // Each round follows at least one CNAME or ends, so kMaxCnameHops + 1
  // questions are enough for the longest chain allowed.
  for (int round = 0; round <= kMaxCnameHops; ++round) {
    ++out.queries;
    Reply reply = ask(current);
    if (!reply.answered) {
      out.error = reply.error.empty() ? "DNS failure" : reply.error;
      return out;
    }
    std::vector<Record> records;
    std::string final_name;
    std::vector<std::string> chain;
    if (!ReadRecords(reply.packet, current, type, &records, &final_name, &chain)) {
      out.error = "malformed DNS answer, or a CNAME loop or chain of more than " +
                  std::to_string(kMaxCnameHops) + " inside it, for " + DottedFromWire(current);
      return out;
    }
    for (size_t i = 1; i < chain.size(); ++i) {
      if (std::find(seen.begin(), seen.end(), chain[i]) != seen.end()) {
        out.error = "CNAME loop at " + DottedFromWire(chain[i]);
        return out;
      }
      seen.push_back(chain[i]);
    }
    out.cname_hops += static_cast<int>(chain.size()) - 1;
    if (out.cname_hops > kMaxCnameHops) {
      out.error = "CNAME chain of more than " + std::to_string(kMaxCnameHops) + " from " +
                  DottedFromWire(name_wire);
      return out;
    }
    out.final_name = final_name;
    if (reply.no_such_name) {
      out.no_such_name = true;
      out.status = Status::kNotFound;
      return out;
    }
    if (!records.empty()) {
      out.records = std::move(records);
      out.status = Status::kFound;
      return out;
    }
    if (final_name == current) {  // no CNAME: the name exists without such records
      out.status = Status::kNotFound;
      return out;
    }
    current = final_name;  // the answer stopped at a CNAME: ask for its target
  }
  out.error = "CNAME chain of more than " + std::to_string(kMaxCnameHops) + " from " + DottedFromWire(name_wire);
  return out;
}

ChasedAnswer LookupChasingCnames(std::string_view name_wire, Type type, int64_t timeout_ms,
                                 const Deadline& deadline) {
  return ChaseCnames(name_wire, type, [&](std::string_view wire) {
    Lookups lookups(timeout_ms);
    return lookups.Wait(lookups.StartWire(wire, type), deadline);
  });
}

std::string WireFromDotted(std::string_view dotted) {
  char* wire = nullptr;
  std::string out;
  if (dns_domain_fromdot(&wire, dotted.data(), dotted.size()) && wire) {
    out.assign(wire, dns_domain_length(wire));
    LowerWire(&out);
  }
  dns_domain_free(&wire);
  return out;
}

std::string DottedFromWire(std::string_view wire) {
  std::string out;
  size_t pos = 0;
  while (pos < wire.size()) {
    auto n = static_cast<unsigned char>(wire[pos]);
    if (n == 0 || pos + 1 + n > wire.size()) break;
    if (!out.empty()) out += '.';
    out.append(wire.substr(pos + 1, n));
    pos += 1 + n;
  }
  return out;
}

bool IsServerFailure(std::string_view reply, std::string_view question) {
  const char* buf = reply.data();
  auto len = static_cast<unsigned>(reply.size());
  char header[12];
  if (question.size() < 17 || !dns_packet_copy(buf, len, 0, header, 12)) return false;
  if (std::memcmp(header, question.data(), 2) != 0) return false;  // id
  if (!(header[2] & 0x80) || (header[2] & 0x02)) return false;    // not a response; truncated
  if (Get16(header + 4) != 1) return false;                         // one question
  char* name = nullptr;
  unsigned pos = dns_packet_getname(buf, len, 12, &name);
  bool same = pos && name && dns_domain_equal(name, question.data() + 12);
  dns_domain_free(&name);
  char type_class[4];
  if (!same || !dns_packet_copy(buf, len, pos, type_class, 4)) return false;
  if (std::memcmp(type_class, question.data() + question.size() - 4, 4) != 0) return false;
  unsigned rcode = header[3] & 15u;
  return rcode != 0 && rcode != 3;
}

}  // namespace ms::dns
