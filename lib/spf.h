// SPF, RFC 7208: check_host() for the MAIL FROM identity, or the HELO
// identity when the sender is <> (section 2.4: postmaster@helo).
//
// Everything is evaluated in order with the section 4.6.4 limits: at
// most 10 terms that cause DNS lookups (include, a, mx, ptr, exists,
// redirect) over the whole evaluation, at most 2 void lookups (NXDOMAIN
// or no records), at most 10 MX names per mx, at most 10 PTR names per
// ptr or %{p}.  Past a limit the result is permerror.  An include loop
// ends at the lookup limit.
//
// DNS goes through a Resolver: DnsResolver (spf_dns.h) is the real one
// (lib/dns_lookup, libowfat's dns_transmit with $DNSCACHEIP), tests give
// their own.
#ifndef MAILSUITE_LIB_SPF_H_
#define MAILSUITE_LIB_SPF_H_

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "dns_lookup.h"
#include "ip_address.h"

namespace ms::spf {

enum class Result { kNone, kNeutral, kPass, kFail, kSoftFail, kTempError, kPermError };

// "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror".
std::string_view ResultName(Result result);

// One DNS answer as SPF needs it.  Names are dotted, lower case, no final dot.
struct Answer {
  dns::Status status = dns::Status::kTemporary;
  std::vector<std::string> texts;           // TXT: each record's strings joined
  std::vector<IpAddress> addresses;         // A / AAAA
  std::vector<std::string> names;           // MX exchanges (by preference), PTR targets
  std::string error;                        // why, when kTemporary ("" when unknown)
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // type is kTxt, kA, kAaaa, kMx or kPtr; name dotted.
  virtual Answer Query(std::string_view name, dns::Type type) = 0;
};

struct Request {
  IpAddress ip;            // the client (an IPv4-mapped address counts as IPv4)
  std::string sender;      // MAIL FROM address, "" for <>
  std::string helo;        // HELO/EHLO argument
  std::string receiver;    // our name, for %{r} and receiver=
  time_t now = 0;          // for %{t}
};

struct Outcome {
  Result result = Result::kNone;
  std::string identity;     // "mailfrom" or "helo"
  std::string checked;      // the identity's address: sender, or postmaster@helo
  std::string domain;       // its domain: where the first record was looked up
  std::string mechanism;    // the term that decided, "" for the default
  std::string problem;      // why temperror / permerror / none
  std::string explanation;  // fail: the exp= text (section 6.2), else ""
  int lookups = 0;          // DNS-querying terms evaluated
  int void_lookups = 0;
};

// check_host() for the request (section 4).
Outcome Check(const Request& request, Resolver& resolver);

}  // namespace ms::spf

#endif  // MAILSUITE_LIB_SPF_H_
