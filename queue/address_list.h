// RFC 5322 address lists as they appear in To:, Cc:, Bcc: (section 3.4),
// reduced to the addr-specs a mailer needs for the envelope:
//
//   "Joe Q. Public" <john.q.public@example.com>, Mary Smith <mary@x.test>,
//   undisclosed-recipients:;, A Group:Ed Jones <c@a.test>,joe@where.test;,
//   jdoe@example.org (comment (nested)), <@route,@x:user@y.test>
//
// Display names, comments, CFWS and folding are dropped, groups are
// flattened, an obsolete source route is removed, and a quoted local part
// is unquoted (as in the envelope: "john doe"@x -> john doe@x).  A bare
// local part without "@" is returned as it is, for the caller to qualify.
#ifndef MAILSUITE_QUEUE_ADDRESS_LIST_H_
#define MAILSUITE_QUEUE_ADDRESS_LIST_H_

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::queue {

// Fails on unterminated quotes, comments, literals or angle brackets, on
// control characters (NUL included), and on words that do not form an
// address; the message says what.
Result<std::vector<std::string>> ParseAddressList(std::string_view value);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_ADDRESS_LIST_H_
