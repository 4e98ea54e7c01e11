// The Received-SPF header field (RFC 7208 section 9.1) for an SPF
// outcome: result, a comment for people, then the key-value pairs
// client-ip, envelope-from, helo, receiver, identity and, when there is
// one, mechanism or problem.  Values the client chose (the HELO name,
// the sender) are quoted and stripped of anything that could end the
// field: control characters and non-ASCII become "?", and a result of
// any length stays one field, folded with TAB.
#ifndef MAILSUITE_LIB_RECEIVED_SPF_H_
#define MAILSUITE_LIB_RECEIVED_SPF_H_

#include <string>
#include <string_view>

#include "spf.h"

namespace ms::spf {

// The whole field, "Received-SPF: ...", ending in "\n" (LF line ends, as
// smtpd's Received:).  envelope_from is the MAIL FROM address ("" for <>).
std::string ReceivedSpfField(const Outcome& outcome, const Request& request);

// The comment alone ("me: domain of x designates 1.2.3.4 as permitted
// sender"), for mailsuite-spf and the log.
std::string ResultComment(const Outcome& outcome, const Request& request);

}  // namespace ms::spf

#endif  // MAILSUITE_LIB_RECEIVED_SPF_H_
