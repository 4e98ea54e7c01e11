// SMTPUTF8 in the session (RFC 6531): which addresses need it, what a
// refusal says, and the Received: protocol name of such a transaction.
// session.cc calls these; the address syntax itself is lib/address.h with
// allow_utf8, the UTF-8 rules lib/utf8_address.h.
#ifndef MAILSUITE_SMTPD_SMTPUTF8_H_
#define MAILSUITE_SMTPD_SMTPUTF8_H_

#include <string>
#include <string_view>

#include "address.h"

namespace ms::smtpd {

inline constexpr std::string_view kNeedsSmtpUtf8Reply =
    "553 5.6.7 non-ASCII address without SMTPUTF8 (say MAIL FROM:<...> SMTPUTF8)";
inline constexpr std::string_view kBadUtf8Reply = "553 5.6.7 address is not well-formed UTF-8";

// A path with a non-ASCII octet anywhere (a null path has none).
bool PathNeedsSmtpUtf8(const Path& path);

// RFC 6531 section 3.7.3: ESMTP, ESMTPA, ESMTPS, ESMTPSA become
// UTF8SMTP, UTF8SMTPA, UTF8SMTPS, UTF8SMTPSA; anything else is kept.
std::string Utf8Protocol(std::string_view protocol);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_SMTPUTF8_H_
