// The qmail-queue envelope, as read on fd 1 by a queue program:
//
//   F sender \0  ( T recipient \0 )+  \0
//
// The sender may be empty (the null sender <>).  There must be at least
// one recipient.  Addresses may not contain NUL; nothing may follow the
// final NUL.
//
// SMTPUTF8 mark (mailsuite's extension, queue/FORMAT.md "SMTPUTF8"): one
// record "U" with an empty value, right after the F record, says that
// the message needs SMTPUTF8 (it came with MAIL ... SMTPUTF8, or was
// injected with a UTF-8 address):
//
//   F sender \0  U \0  ( T recipient \0 )+  \0
//
// It is written only for such messages, so every other envelope stays
// byte for byte qmail's.
//
// DSN records (RFC 3461; queue/FORMAT.md "DSN records"): right after the
// sender an optional `M` record holds the MAIL parameters (RET, ENVID),
// right after a recipient an optional `R` record holds that recipient's
// (NOTIFY, ORCPT), both in lib/dsn_params.h's text form:
//
//   F sender \0 [ M params \0 ] ( T recipient \0 [ R params \0 ] )+ \0
//
// They are written only when there is something to say, so an envelope
// without DSN is byte for byte qmail's; a qmail-queue refuses one with
// them (exit 91, an envelope format error) rather than misreading it.
//
// Both together: F sender \0 [ U \0 ] [ M params \0 ] ( T recipient \0 [ R params \0 ] )+ \0
#ifndef MAILSUITE_LIB_ENVELOPE_H_
#define MAILSUITE_LIB_ENVELOPE_H_

#include <string>
#include <string_view>
#include <vector>

#include "dsn_params.h"
#include "result.h"

namespace ms {

struct Envelope {
  Envelope() = default;
  Envelope(std::string sender_address, std::vector<std::string> recipient_addresses)
      : sender(std::move(sender_address)), recipients(std::move(recipient_addresses)) {}
  std::string sender;
  std::vector<std::string> recipients;
  bool smtputf8 = false;  // the "U" record
  MailDsn dsn;
  // Empty, or one per recipient (in order).
  std::vector<RcptDsn> recipient_dsn;
  // The DSN parameters of recipient i (empty ones when none were given).
  RcptDsn RecipientDsn(size_t i) const { return i < recipient_dsn.size() ? recipient_dsn[i] : RcptDsn(); }
};

enum class EnvelopeError {
  kNone,
  kFormat,       // qmail-queue exit 91
  kTooLong,      // an address longer than the limit: exit 11
  kTruncated,    // ended before the final NUL: exit 54 (unable to read)
};

// The longest address accepted in an envelope (RFC 5321 path limit
// without the angle brackets, rounded up generously as qmail does not
// limit it at all; 1000 keeps hostile input bounded).
inline constexpr size_t kMaxEnvelopeAddress = 1000;

// with_dsn false: the M and R records are left out (for a queue program
// that does not keep them: QueueProgramKeepsDsn).
std::string EncodeEnvelope(const Envelope& envelope, bool with_dsn = true);
// Decodes a complete envelope.  On error, *error says which kind and the
// Error's message says where.
Result<Envelope> DecodeEnvelope(std::string_view data, EnvelopeError* error,
                                size_t max_address = kMaxEnvelopeAddress);

}  // namespace ms

#endif  // MAILSUITE_LIB_ENVELOPE_H_
