// The filter's sender authentication for one message (sender_auth.h has
// the header formats): reads the message's header section from the spool,
// takes SPF from our smtpd's Received-SPF on top, verifies the DKIM
// signatures, evaluates DMARC, and says what to put on top of the message
// and which header fields to leave out (forged Authentication-Results
// claiming to be ours).
#ifndef MAILSUITE_FILTER_SENDER_CHECK_H_
#define MAILSUITE_FILTER_SENDER_CHECK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "deadline.h"
#include "dmarc.h"
#include "envelope.h"
#include "result.h"

namespace ms::filter {

struct SenderCheck {
  std::string results_header;  // the Authentication-Results line, "\n" included
  bool rewrite = false;        // header_section replaces the message's own
  std::string header_section;  // the message's header section without forgeries (when rewrite)
  uint64_t body_offset = 0;    // where the rest of the message starts in the spool (when rewrite)
  std::string from_domain;
  dmarc::Evaluation dmarc;
  std::string spf_result;      // for the log line: "pass", ... "none"
  size_t dkim_passed = 0;      // signatures that passed
  size_t dkim_checked = 0;     // signatures verified
};

// What the filter knows of the SMTP session besides the message.
struct SessionFacts {
  std::string remote_ip;  // $TCPREMOTEIP, "" when unknown
  bool relay_client = false;  // $RELAYCLIENT set: our own users' mail
};

// me: the authserv-id (control/me).  DNS lookups stop at deadline.
// nullopt: nothing to check — a relay client's or an authenticated
// client's message (smtpd's Received line says ESMTPA/ESMTPSA), for which
// SPF and DMARC say nothing about the sender (smtpd checks no SPF for
// them either); the message goes on unchanged.
Result<std::optional<SenderCheck>> CheckSender(int spool_fd, uint64_t size, size_t max_header_bytes,
                                               const std::string& me, const Envelope& envelope,
                                               const SessionFacts& session, const Deadline& deadline);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_SENDER_CHECK_H_
