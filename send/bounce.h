// Bounce messages: RFC 3464 delivery status notifications.
//
//   multipart/report; report-type=delivery-status
//     1. text/plain: what happened, each failed recipient with the
//        deliverer's reason quoted
//     2. message/delivery-status: Reporting-MTA, Arrival-Date, then per
//        recipient Final-Recipient, Action: failed, Status, Diagnostic-Code
//     3. text/rfc822-headers: the original message's header; in a double
//        bounce message/rfc822: the failed bounce whole (as qmail's double
//        bounces carry it), so the postmaster sees which original message
//        it was about — unless it is over kMaxDoubleBounceOriginal, then
//        its header only
//
// Addressing (qmail's): a bounce goes from `bouncefrom@bouncehost` to the
// original sender, with the null envelope sender.  A message with the null
// sender whose delivery fails gets a double bounce to
// `doublebounceto@doublebouncehost`, with the envelope sender kDoubleBounceSender
// so that its own failure is recognised and dropped.
#ifndef MAILSUITE_SEND_BOUNCE_H_
#define MAILSUITE_SEND_BOUNCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ms::send {

// qmail's marker for a double bounce's envelope sender.  Deliverers get
// the null sender instead (send maps it before running them).
inline constexpr std::string_view kDoubleBounceSender = "#@[]";

struct FailedRecipient {
  FailedRecipient() = default;
  FailedRecipient(std::string rcpt, std::string why, int64_t when, std::string original = {}, std::string what = {})
      : address(std::move(rcpt)), reason(std::move(why)), time(when), orcpt(std::move(original)),
        action(std::move(what)) {}
  std::string address;
  std::string reason;
  int64_t time = 0;  // of the last attempt
  // RFC 3461: the ORCPT the client gave ("rfc822;x@y", xtext), or empty.
  std::string orcpt;
  // For a success notice (BounceRequest::success): "delivered" (local) or
  // "relayed" (handed to a host that was not asked for DSN).
  std::string action;
};

struct BounceRequest {
  std::string reporting_host;  // `me`
  std::string from;            // bouncefrom@bouncehost
  std::string to;              // the original sender, or the double-bounce address
  bool double_bounce = false;
  std::string queue_id;
  int64_t arrival_time = 0;
  int64_t now = 0;
  std::vector<FailedRecipient> recipients;
  std::string_view original_headers;  // up to (not including) the blank line
  // Instead, when not empty: the whole failed message (message/rfc822).
  std::string_view original_message;
  // RFC 3461 ENVID of the original (xtext), or empty.
  std::string envid;
  // A success notice (NOTIFY=SUCCESS) rather than a failure report.
  bool success = false;
  // A delay notice (NOTIFY=DELAY): the recipients are still being tried,
  // until will_retry_until (RFC 3464 Will-Retry-Until).
  bool delay = false;
  int64_t will_retry_until = 0;
};

// The largest failed message a double bounce carries whole.  Our own
// bounces, the usual case, stay far below it (their original is headers
// only, at most 64 KiB); a null-sender message from elsewhere (another
// MTA's DSN with a whole original attached) can be any size, and the
// double bounce goes to one postmaster mailbox and is composed in the
// scheduler's memory while it waits: above this, headers only.
inline constexpr uint64_t kMaxDoubleBounceOriginal = 256 * 1024;

// The complete message (LF line ends, as queue files store them).
std::string ComposeBounce(const BounceRequest& request);

// The RFC 3463 status for a reason: an "#5.x.y" / "5.x.y" code in it if
// present (qmail's "(#5.1.1)" style), else 5.0.0.
std::string StatusFromReason(std::string_view reason);
// The same for a temporary failure: a "4.x.y" code in it, else 4.0.0.
std::string TemporaryStatusFromReason(std::string_view reason);

// The header of a message: up to the first empty line, at most max_bytes
// (cut at a line end).
std::string_view MessageHeader(std::string_view message, size_t max_bytes);

// RFC 5322 date, UTC.
std::string MailDate(int64_t unix_time);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_BOUNCE_H_
