// RFC 5321 paths and mailboxes.
//
//   Path        = "<" [ A-d-l ":" ] Mailbox ">"       (A-d-l: source route)
//   Mailbox     = Local-part "@" ( Domain / address-literal )
//   Local-part  = Dot-string / Quoted-string
//
// A source route (<@a,@b:user@c>) is accepted and dropped, as RFC 5321
// section 4.1.1.3 / appendix C allows.  Domains are lower-cased.  Limits:
// local part 64 octets, domain 255, whole path 256 (section 4.5.3.1).
// SMTPUTF8 (RFC 6531): with allow_utf8, local parts and domains may hold
// UTF-8 (well-formed, no control characters: lib/utf8_address.h); a
// non-ASCII domain must have a valid A-label form of at most 255 octets
// and is kept as UTF-8 in NFC; malformed UTF-8 is kBadUtf8.  Without it
// an octet above 127 breaks the ASCII syntax as before (kSyntax in a
// local part, kBadDomain in a domain).
#ifndef MAILSUITE_LIB_ADDRESS_H_
#define MAILSUITE_LIB_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms {

inline constexpr size_t kMaxLocalPart = 64;
inline constexpr size_t kMaxDomain = 255;
inline constexpr size_t kMaxPath = 256;

enum class AddressError {
  kNone,
  kSyntax,        // not a path or mailbox at all
  kTooLong,       // a length limit above
  kBadDomain,     // malformed domain or empty domain
  kBadLiteral,    // [999.1.1.1], [IPv6:zz], general literals
  kBadUtf8,       // not well-formed UTF-8, or a control character in it
};

struct Mailbox {
  std::string local;       // decoded: a quoted local part without quotes/escapes
  std::string domain;      // lower case; a literal keeps its brackets: "[1.2.3.4]"
  bool quoted = false;     // the local part was written as a quoted string

  bool IsLiteral() const { return !domain.empty() && domain.front() == '['; }
  // local@domain with the local part quoted again if it needs quoting;
  // just local when there is no domain.
  std::string ToString() const;
};

struct Path {
  bool null = false;            // "<>"
  bool had_source_route = false;
  Mailbox mailbox;
};

struct PathOptions {
  bool allow_null = false;       // reverse-path: "<>" allowed
  bool allow_no_domain = false;  // "<postmaster>" style, domain left empty
  bool allow_utf8 = false;       // SMTPUTF8 addresses (RFC 6531)
};

// Parses "<...>" (the whole argument, nothing before or after).
Result<Path> ParsePath(std::string_view text, const PathOptions& options,
                       AddressError* error);
// Parses a bare mailbox "local@domain" (no brackets, no source route).
Result<Mailbox> ParseMailbox(std::string_view text, bool allow_no_domain,
                             AddressError* error, bool allow_utf8 = false);

// Whether text is a valid RFC 5321 domain name (not a literal).
bool IsValidDomain(std::string_view text);
// Whether the local part needs quoting to be written as a Dot-string
// (UTF-8 counts as atext, as in RFC 6531).
bool LocalPartNeedsQuoting(std::string_view local);
std::string LowerCase(std::string_view text);

// rcpthosts-style matching: domain equals an entry (case-insensitive), or
// an entry ".example.com" is a proper suffix of domain.
bool HostInList(std::string_view domain, const std::vector<std::string>& hosts);

}  // namespace ms

#endif  // MAILSUITE_LIB_ADDRESS_H_
