// Internationalised addresses (RFC 6530-6532): what UTF-8 in an address
// may be, and the two canonical forms mailsuite compares in.
//
//   - local parts: Unicode NFC (RFC 6530 section 10.1 asks for it; the
//     users database keys are NFC, so an NFD local part finds its user);
//   - domains: the A-label form ("xn--bcher-kva.example"), IDNA2008 with
//     UTS #46 mapping (libidn2), so U-label and A-label spellings of one
//     domain match in rcpthosts, morercpthosts, locals, virtualdomains
//     and the users database, and remote looks up the MX of the A-label.
//
// Validation is libunistring's u8_check (no overlong forms, no
// surrogates, nothing above U+10FFFF, no truncated sequence),
// normalisation its u8_normalize; nothing here is hand-written Unicode.
#ifndef MAILSUITE_LIB_UTF8_ADDRESS_H_
#define MAILSUITE_LIB_UTF8_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

namespace ms {

// No octet above 127.
bool IsAscii(std::string_view text);

// Well-formed UTF-8 with no control character: no C0 (below U+0020),
// DEL, or C1 (U+0080-U+009F) — none is allowed in an address.
bool IsCleanUtf8(std::string_view text);

// text in NFC; nullopt when it is not IsCleanUtf8.  ASCII is returned
// unchanged without calling the library.
std::optional<std::string> Utf8Nfc(std::string_view text);

// The domain in A-label form, lower case; an ASCII domain comes back only
// lower-cased (an "xn--" label is checked by the caller's syntax rules, not
// here).  A leading '.' (rcpthosts' suffix form) is kept.  nullopt when a
// non-ASCII domain is not a valid IDNA2008 name.  Address literals
// ("[...]") come back unchanged.
std::optional<std::string> DomainToAscii(std::string_view domain);

// DomainToAscii, or the domain lower-cased when it has no A-label form:
// for comparisons, where an invalid name simply matches nothing else.
std::string ComparableDomain(std::string_view domain);

// "local@domain" (or a bare domain, or ".suffix") with the domain part
// made comparable and the local part in NFC: the key of a lookup.
std::string ComparableAddress(std::string_view address);

// Whether a recipient or sender address needs SMTPUTF8 on the wire
// towards a server that does not offer it: true when the local part has
// a non-ASCII octet (a non-ASCII domain alone can be sent as A-labels).
bool LocalPartNeedsUtf8(std::string_view address);

// The address with its domain written as A-labels (unchanged when the
// domain is ASCII or has no A-label form).
std::string AddressWithAsciiDomain(std::string_view address);

}  // namespace ms

#endif  // MAILSUITE_LIB_UTF8_ADDRESS_H_
