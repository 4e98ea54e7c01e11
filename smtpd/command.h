// The SMTP command line parser: one line (CRLF already removed) in, a verb
// and its argument out.  Pure: no I/O, no allocation beyond the results.
#ifndef MAILSUITE_SMTPD_COMMAND_H_
#define MAILSUITE_SMTPD_COMMAND_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "address.h"
#include "dsn_params.h"

namespace ms::smtpd {

enum class Verb {
  kHelo, kEhlo, kMail, kRcpt, kData, kBdat, kRset, kNoop, kVrfy, kHelp, kQuit,
  kStartTls, kAuth,  // recognised so the TLS/AUTH layer can claim them
  kUnknown,
};

struct Command {
  Verb verb = Verb::kUnknown;
  std::string_view arg;  // the rest of the line after the verb and blanks
  bool has_control = false;  // NUL, CR or another control octet in the line
};

Command ParseCommand(std::string_view line);

// What went wrong with a MAIL/RCPT argument; each maps to one reply.
enum class PathArgError {
  kNone,
  kSyntax,        // no "FROM:"/"TO:", unbalanced <>, junk: 501 5.5.4
  kBadAddress,    // the address itself does not parse: 501 5.1.3 / 5.1.7
  kTooLong,       // over RFC 5321's limits: 501 5.1.3 (5.5.4)
  kBadParam,      // malformed parameter value: 501 5.5.4
  kUnknownParam,  // parameter we do not implement: 555 5.5.4
  kBadUtf8,       // UTF-8 address that is not well-formed: 553 5.6.7
};

struct MailArgs {
  Path path;
  bool has_size = false;
  uint64_t size = 0;   // SIZE=
  bool body_8bit = false;  // BODY=8BITMIME
  std::string_view auth;   // AUTH= (RFC 4954), kept for the AUTH layer
  bool smtputf8 = false;   // SMTPUTF8 (RFC 6531), no value
  MailDsn dsn;             // RET=, ENVID= (RFC 3461)
};

struct RcptArgs {
  Path path;
  RcptDsn dsn;  // NOTIFY=, ORCPT= (RFC 3461)
};

// arg is Command::arg of MAIL ("FROM:<a@b> SIZE=10") or RCPT ("TO:<a@b>").
// A blank after the colon and a path without <> are tolerated, as real
// clients send both; the address itself is parsed strictly (lib/address).
// UTF-8 addresses parse (valid UTF-8 only: kBadUtf8 otherwise); whether
// the transaction allows them (MAIL's SMTPUTF8) is the session's check.
PathArgError ParseMailArgs(std::string_view arg, MailArgs* out);
PathArgError ParseRcptArgs(std::string_view arg, RcptArgs* out);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_COMMAND_H_
