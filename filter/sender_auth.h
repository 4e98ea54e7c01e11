// Sender authentication in the filter (DESIGN.md "mailsuite-filter",
// sender authentication): the SPF result our smtpd wrote on top, every
// DKIM signature's result, DMARC over both, and the one
// Authentication-Results header (RFC 8601) that says so.  A header that
// claims to come from us and is already in the message is a forgery
// (only this filter writes ours): it is removed before the message moves on.
#ifndef MAILSUITE_FILTER_SENDER_AUTH_H_
#define MAILSUITE_FILTER_SENDER_AUTH_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dmarc.h"
#include "filter/top_header.h"

namespace ms::filter {

// SPF as our smtpd recorded it: "pass", "fail", ... and the domain it checked.
struct SpfOutcome {
  std::string result;  // RFC 8601 spf= value; "" when SPF was not checked
  std::string domain;  // envelope sender's domain, or the HELO name for <>
};

// One DKIM signature's verdict.
struct DkimOutcome {
  std::string result;  // pass, fail, neutral, policy, temperror, permerror
  std::string domain;  // d=
  std::string selector;  // s=
  std::string reason;
};

// The Received-SPF field (RFC 7208 9.1) when it is the message's first
// field (where our smtpd puts it; anywhere else it may be the sender's).
std::optional<SpfOutcome> ReceivedSpfOnTop(const TopHeader& header);

// Whether an Authentication-Results field's authserv-id is me.
bool ClaimsToBe(const queue::HeaderField& field, std::string_view me);

// The header line (with its final "\n") for these results.
std::string AuthenticationResults(std::string_view me, const std::optional<SpfOutcome>& spf,
                                  const std::vector<DkimOutcome>& dkim, const dmarc::Evaluation& dmarc,
                                  std::string_view from_domain);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_SENDER_AUTH_H_
