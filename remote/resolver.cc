#include "resolver.h"

#include <cerrno>
#include <cstring>

// iopause.h lacks the extern "C" that libowfat's other headers have;
// it must come first, dns.h includes it too.
extern "C" {
#include <iopause.h>
}
#include <dns.h>
#include <stralloc.h>
#include <sys/random.h>
#include <taia.h>

namespace ms::remote {

namespace {

constexpr int kMaxCnameHops = 8;

struct Answer {
  std::string owner;     // wire form, lower case
  char type[2];
  unsigned data_pos;
  unsigned data_len;
};

void LowerWire(std::string* wire) {
  for (char& c : *wire) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

// dns_packet_getname into a std::string (wire form); 0 when malformed.
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

bool ReadAnswers(std::string_view packet, std::vector<Answer>* answers) {
  const char* buf = packet.data();
  unsigned len = static_cast<unsigned>(packet.size());
  char header[12];
  unsigned pos = dns_packet_copy(buf, len, 0, header, 12);
  if (!pos) return false;
  unsigned questions = (static_cast<unsigned char>(header[4]) << 8) | static_cast<unsigned char>(header[5]);
  unsigned count = (static_cast<unsigned char>(header[6]) << 8) | static_cast<unsigned char>(header[7]);
  for (unsigned i = 0; i < questions; ++i) {
    pos = dns_packet_skipname(buf, len, pos);
    if (!pos || pos + 4 > len) return false;
    pos += 4;
  }
  for (unsigned i = 0; i < count; ++i) {
    Answer a;
    pos = GetName(packet, pos, &a.owner);
    if (!pos) return false;
    char rr[10];
    pos = dns_packet_copy(buf, len, pos, rr, 10);
    if (!pos) return false;
    std::memcpy(a.type, rr, 2);
    a.data_len = (static_cast<unsigned char>(rr[8]) << 8) | static_cast<unsigned char>(rr[9]);
    a.data_pos = pos;
    if (pos + a.data_len > len) return false;
    pos += a.data_len;
    if (std::memcmp(rr + 2, DNS_C_IN, 2) == 0) answers->push_back(std::move(a));
  }
  return true;
}

class TransmitGuard {
 public:
  TransmitGuard() { std::memset(&tx_, 0, sizeof tx_); }
  ~TransmitGuard() { dns_transmit_free(&tx_); }
  dns_transmit* get() { return &tx_; }

 private:
  dns_transmit tx_;
};

void InitRandomOnce() {
  static bool done = false;
  if (done) return;
  char seed[128] = {};
  if (getrandom(seed, sizeof seed, 0) < 0) std::memset(seed, 0, sizeof seed);
  dns_random_init(seed);
  done = true;
}

}  // namespace

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
    unsigned char n = static_cast<unsigned char>(wire[pos]);
    if (n == 0 || pos + 1 + n > wire.size()) break;
    if (!out.empty()) out += '.';
    out.append(wire.substr(pos + 1, n));
    pos += 1 + n;
  }
  // Escape nothing: names come from our own resolver and are only used as
  // text in reports and as queries; bytes outside [-.a-z0-9] are kept as is.
  return out;
}

bool ParseAnswers(std::string_view packet, std::string_view name_wire, const char qtype[2],
                  std::vector<RawRecord>* records, std::string* final_name) {
  std::vector<Answer> answers;
  if (!ReadAnswers(packet, &answers)) return false;
  std::string current(name_wire);
  LowerWire(&current);
  if (std::memcmp(qtype, DNS_T_CNAME, 2) != 0) {
    for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
      const Answer* cname = nullptr;
      for (const Answer& a : answers) {
        if (a.owner == current && std::memcmp(a.type, DNS_T_CNAME, 2) == 0) cname = &a;
      }
      if (!cname) break;
      if (hop == kMaxCnameHops) return false;
      if (!GetName(packet, cname->data_pos, &current)) return false;
    }
  }
  *final_name = current;
  for (const Answer& a : answers) {
    if (a.owner != current || std::memcmp(a.type, qtype, 2) != 0) continue;
    RawRecord r;
    if (std::memcmp(qtype, DNS_T_MX, 2) == 0) {
      if (a.data_len < 3) return false;
      r.preference = (static_cast<unsigned char>(packet[a.data_pos]) << 8) |
                     static_cast<unsigned char>(packet[a.data_pos + 1]);
      if (!GetName(packet, a.data_pos + 2, &r.rdata_name)) return false;
    } else if (std::memcmp(qtype, DNS_T_CNAME, 2) == 0) {
      if (!GetName(packet, a.data_pos, &r.rdata_name)) return false;
    } else {
      r.rdata.assign(packet.substr(a.data_pos, a.data_len));
    }
    records->push_back(std::move(r));
  }
  return true;
}

Resolver::Resolver(int timeout_ms) : timeout_ms_(timeout_ms) {}

Resolver::Raw Resolver::Query(std::string_view name_wire, const char qtype[2]) {
  Raw raw;
  InitRandomOnce();
  char servers[256];
  if (dns_resolvconfip(servers) == -1) {
    raw.error = "no DNS resolver configured";
    return raw;
  }
  struct taia limit;
  taia_now(&limit);
  taia_addsec(&limit, &limit, timeout_ms_ / 1000);
  {
    struct taia frac;
    taia_uint(&frac, 0);
    frac.nano = static_cast<unsigned long>(timeout_ms_ % 1000) * 1000000UL;
    taia_add(&limit, &limit, &frac);
  }
  TransmitGuard tx;
  static const char kAnyLocal[16] = {};
  std::string q(name_wire);
  if (dns_transmit_start(tx.get(), servers, 1, q.c_str(), qtype, kAnyLocal) == -1) {
    raw.error = std::string("DNS query failed: ") + std::strerror(errno);
    return raw;
  }
  for (;;) {
    struct taia stamp, deadline;
    taia_now(&stamp);
    if (taia_less(&limit, &stamp)) {
      raw.error = "DNS timeout";
      return raw;
    }
    taia_uint(&deadline, 120);
    taia_add(&deadline, &deadline, &stamp);
    iopause_fd x[1];
    dns_transmit_io(tx.get(), x, &deadline);
    if (taia_less(&limit, &deadline)) deadline = limit;
    iopause(x, 1, &deadline, &stamp);
    int r = dns_transmit_get(tx.get(), x, &stamp);
    if (r == -1) {
      raw.error = std::string("DNS failure: ") + std::strerror(errno);
      return raw;
    }
    if (r == 1) break;
  }
  raw.packet.assign(tx.get()->packet, tx.get()->packetlen);
  if (raw.packet.size() < 4) {
    raw.error = "short DNS answer";
    return raw;
  }
  int rcode = raw.packet[3] & 15;
  if (rcode == 3) {
    raw.status = DnsStatus::kNxDomain;
    raw.error = "no such domain";
  } else if (rcode != 0) {
    raw.error = "DNS server failure (rcode " + std::to_string(rcode) + ")";
  } else {
    raw.status = DnsStatus::kOk;
  }
  return raw;
}

template <typename Take>
DnsStatus Resolver::Follow(std::string_view name, const char qtype[2], std::string* error, Take take) {
  std::string current = WireFromDotted(name);
  if (current.empty()) {
    *error = "bad domain name";
    return DnsStatus::kNxDomain;
  }
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    Raw raw = Query(current, qtype);
    if (raw.status != DnsStatus::kOk) {
      *error = raw.error;
      return raw.status;
    }
    std::vector<RawRecord> records;
    std::string final_name;
    if (!ParseAnswers(raw.packet, current, qtype, &records, &final_name)) {
      *error = "malformed DNS answer or CNAME loop";
      return DnsStatus::kTemporary;
    }
    if (!records.empty() || final_name == current) {
      take(records);
      return DnsStatus::kOk;
    }
    current = final_name;  // a CNAME whose target the server did not answer for
  }
  *error = "CNAME chain too long";
  return DnsStatus::kTemporary;
}

MxAnswer Resolver::Mx(std::string_view name) {
  MxAnswer answer;
  answer.status = Follow(name, DNS_T_MX, &answer.error, [&](const std::vector<RawRecord>& records) {
    for (const RawRecord& r : records) {
      answer.records.push_back(MxRecord{r.preference, DottedFromWire(r.rdata_name)});
    }
  });
  return answer;
}

AddressAnswer Resolver::Addresses(std::string_view name) {
  AddressAnswer answer;
  std::string error4, error6;
  DnsStatus s4 = Follow(name, DNS_T_A, &error4, [&](const std::vector<RawRecord>& records) {
    for (const RawRecord& r : records) {
      if (r.rdata.size() == 4) answer.addresses.push_back(IpAddress::V4(r.rdata.data()));
    }
  });
  DnsStatus s6 = DnsStatus::kNxDomain;
  if (s4 != DnsStatus::kNxDomain) {
    s6 = Follow(name, DNS_T_AAAA, &error6, [&](const std::vector<RawRecord>& records) {
      for (const RawRecord& r : records) {
        if (r.rdata.size() == 16) answer.addresses.push_back(IpAddress::V6(r.rdata.data()));
      }
    });
  }
  if (!answer.addresses.empty()) {
    answer.status = DnsStatus::kOk;
  } else if (s4 == DnsStatus::kTemporary || s6 == DnsStatus::kTemporary) {
    answer.status = DnsStatus::kTemporary;
    answer.error = s4 == DnsStatus::kTemporary ? error4 : error6;
  } else if (s4 == DnsStatus::kNxDomain) {
    answer.status = DnsStatus::kNxDomain;
    answer.error = error4;
  } else {
    answer.status = DnsStatus::kOk;  // the name exists without addresses
  }
  return answer;
}

}  // namespace ms::remote
