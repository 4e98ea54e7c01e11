// SPF macros (RFC 7208 section 7): the %{...} strings of domain-specs and
// explanation texts.  Checking and expanding are separate steps because a
// record with a malformed macro anywhere is a permerror before any of it
// is evaluated (section 4.6), while the expansion itself happens term by
// term, with the current domain of the moment.
#ifndef MAILSUITE_LIB_SPF_MACRO_H_
#define MAILSUITE_LIB_SPF_MACRO_H_

#include <ctime>
#include <functional>
#include <string>
#include <string_view>

#include "ip_address.h"

namespace ms::spf {

// Where a macro-string stands: a domain-spec (c, r and t are not allowed,
// SP is not a literal) or an explanation text (everything, SP included).
enum class MacroUse { kDomainSpec, kExplanation };

// The values the macro letters stand for.
struct MacroValues {
  std::string sender;         // s: local-part@domain ("postmaster@helo" for <>)
  std::string local_part;     // l
  std::string sender_domain;  // o
  std::string domain;         // d: the domain being checked now
  IpAddress ip;               // i, c, v (IPv4-mapped already unmapped)
  std::string helo;           // h
  std::string receiver;       // r ("unknown" when empty)
  time_t now = 0;             // t
  // p: the validated name of ip (section 7.3: a PTR name whose addresses
  // include ip, preferring domain or a subdomain of it), or "unknown".
  // Called only when a %{p} is expanded: it costs DNS lookups.
  std::function<std::string()> validated_name;
};

// Whether text is a valid macro-string for use (the ABNF of section 7.1
// with the section 7.3 rules: a known letter, a non-zero digit count).
// *error says what is wrong, for the Received-SPF comment.
bool CheckMacroString(std::string_view text, MacroUse use, std::string* error);

// Expands a macro-string that CheckMacroString accepted (anything else
// returns false).  Parts are split on the delimiters (default "."),
// reversed with "r", cut to the rightmost N, joined with "."; an upper
// case letter URL-escapes its value (RFC 3986 unreserved kept).
bool ExpandMacroString(std::string_view text, MacroUse use, const MacroValues& values, std::string* out,
                       std::string* error);

// A domain name built by expansion, made fit for a query: a final "."
// dropped, then labels removed from the left while it is over 253
// octets (section 7.3).
std::string TruncateDomain(std::string name);

// The IP address as %{i} writes it: dotted quad, or 32 dotted hex nibbles.
std::string DottedIp(const IpAddress& ip);

}  // namespace ms::spf

#endif  // MAILSUITE_LIB_SPF_MACRO_H_
