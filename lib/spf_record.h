// An SPF record (RFC 7208 sections 4.5 and 12's ABNF): which TXT string
// is one, and its terms parsed.  A record with any syntax error is a
// permerror as a whole (section 4.6), so everything is checked here,
// before the first mechanism is evaluated: qualifiers, mechanism names,
// CIDR lengths, IP networks, domain-specs (macro syntax and domain-end),
// at most one redirect= and one exp=, and the syntax of unknown
// modifiers, which are otherwise ignored.
#ifndef MAILSUITE_LIB_SPF_RECORD_H_
#define MAILSUITE_LIB_SPF_RECORD_H_

#include <string>
#include <string_view>
#include <vector>

#include "ip_address.h"

namespace ms::spf {

enum class Qualifier { kPass, kFail, kSoftFail, kNeutral };
enum class MechanismKind { kAll, kInclude, kA, kMx, kPtr, kIp4, kIp6, kExists };

struct Mechanism {
  Qualifier qualifier = Qualifier::kPass;
  MechanismKind kind = MechanismKind::kAll;
  std::string domain_spec;  // unexpanded; empty: the current domain (a, mx, ptr)
  int cidr4 = 32;           // a, mx, ip4
  int cidr6 = 128;          // a, mx, ip6
  IpAddress network;        // ip4, ip6
  std::string text;         // the term as written, for comments
};

struct Record {
  std::vector<Mechanism> mechanisms;
  bool has_redirect = false;
  std::string redirect;  // domain-spec
  bool has_exp = false;
  std::string exp;  // domain-spec
};

// Whether a TXT record's text is an SPF version 1 record: "v=spf1"
// (any case) alone or followed by a space (section 4.5).
bool IsSpfRecordText(std::string_view text);

// Parses a record IsSpfRecordText accepted.  False with *error on a
// syntax error (the result is then permerror).
bool ParseRecord(std::string_view text, Record* record, std::string* error);

// Whether a domain-spec is well formed: a macro-string whose end is a
// macro or "." toplabel ["."] (section 7.1's domain-end).
bool CheckDomainSpec(std::string_view spec, std::string* error);

// RFC 7208's qnum dotted quad (no leading zeros), as ip4-network needs.
bool ParseIp4Network(std::string_view text, IpAddress* out);

}  // namespace ms::spf

#endif  // MAILSUITE_LIB_SPF_RECORD_H_
