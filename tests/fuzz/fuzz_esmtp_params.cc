// libFuzzer target for the ESMTP MAIL/RCPT parameter parsers with the
// DSN parameters (RFC 3461) and xtext, and the envelope's DSN records:
// whatever is accepted must format to text that parses back to the same
// value, and an envelope must round-trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dsn_params.h"
#include "envelope.h"
#include "smtpd/command.h"

using namespace ms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto decoded = DecodeXtext(input)) {
    if (EncodeXtext(*decoded).size() > input.size() * 3 + 3) std::abort();
    if (DecodeXtext(EncodeXtext(*decoded)) != decoded) std::abort();
  }
  smtpd::MailArgs mail;
  if (smtpd::ParseMailArgs(std::string("FROM:<a@b.example> ").append(input), &mail) == smtpd::PathArgError::kNone) {
    auto again = ParseMailDsnText(FormatMailDsn(mail.dsn));
    if (!again || !(*again == mail.dsn)) std::abort();
    if (mail.dsn.envid.size() > kMaxEnvid) std::abort();
  }
  smtpd::RcptArgs rcpt;
  if (smtpd::ParseRcptArgs(std::string("TO:<u@example.test> ").append(input), &rcpt) == smtpd::PathArgError::kNone) {
    auto again = ParseRcptDsnText(FormatRcptDsn(rcpt.dsn));
    if (!again || !(*again == rcpt.dsn)) std::abort();
    if (rcpt.dsn.orcpt.size() > kMaxOrcpt) std::abort();
    if (!rcpt.dsn.orcpt.empty() && !DecodeOrcpt(rcpt.dsn.orcpt)) std::abort();
  }
  ParseMailDsnText(input);
  ParseRcptDsnText(input);
  EnvelopeError error;
  if (auto envelope = DecodeEnvelope(input, &error)) {
    // The decoder takes record text in any keyword case and NOTIFY order;
    // what it re-encodes (canonical) must decode to the same values.
    std::string canonical = EncodeEnvelope(*envelope);
    auto again = DecodeEnvelope(canonical, &error);
    if (!again || EncodeEnvelope(*again) != canonical || !(again->dsn == envelope->dsn) ||
        again->recipient_dsn != envelope->recipient_dsn)
      std::abort();
  }
  return 0;
}
