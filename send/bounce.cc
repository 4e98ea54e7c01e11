#include "send/bounce.h"

#include <algorithm>
#include <ctime>

#include "dsn_params.h"

namespace ms::send {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "d.ddd.ddd" at text[i], class 4 or 5; its length or 0.
size_t StatusCodeAt(std::string_view text, size_t i) {
  if (i >= text.size() || (text[i] != '4' && text[i] != '5')) return 0;
  size_t j = i + 1;
  for (int part = 0; part < 2; ++part) {
    if (j >= text.size() || text[j] != '.') return 0;
    size_t start = ++j;
    while (j < text.size() && IsDigit(text[j]) && j - start < 3) ++j;
    if (j == start) return 0;
  }
  if (j < text.size() && (IsDigit(text[j]) || text[j] == '.')) return 0;
  return j - i;
}

// One line for a header field: control characters become spaces; long
// text is cut (DSN fields must stay under the line limit).
std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  return out;
}

// The human-readable quote of a reason: one or more lines, no control
// characters other than the line ends.
std::string QuotedReason(std::string_view reason) {
  std::string out;
  for (char c : reason) {
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != '\n') out += '\n';
    } else {
      out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
    }
  }
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

}  // namespace

namespace {

// The first "c.x.y" status of class c in reason, else "c.0.0".
std::string StatusOfClass(std::string_view reason, char status_class) {
  for (size_t i = 0; i < reason.size(); ++i) {
    if (i > 0 && (IsDigit(reason[i - 1]) || reason[i - 1] == '.')) continue;
    size_t n = StatusCodeAt(reason, i);
    if (n > 0 && reason[i] == status_class) return std::string(reason.substr(i, n));
  }
  return std::string(1, status_class) + ".0.0";
}

}  // namespace

std::string StatusFromReason(std::string_view reason) { return StatusOfClass(reason, '5'); }
std::string TemporaryStatusFromReason(std::string_view reason) { return StatusOfClass(reason, '4'); }

std::string_view MessageHeader(std::string_view message, size_t max_bytes) {
  // Line by line: the header ends at an empty line ("\n" or "\r\n").
  size_t end = 0;
  while (end < message.size()) {
    size_t eol = message.find('\n', end);
    if (eol == std::string_view::npos) {
      end = message.size();
      break;
    }
    std::string_view line = message.substr(end, eol - end);
    if (line.empty() || line == "\r") break;
    if (eol + 1 > max_bytes) break;
    end = eol + 1;
  }
  return message.substr(0, std::min(end, max_bytes));
}

std::string MailDate(int64_t unix_time) {
  time_t t = static_cast<time_t>(unix_time);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string ComposeBounce(const BounceRequest& r) {
  std::string boundary = "mailsuite-dsn-" + r.queue_id + "-" + std::to_string(r.now);
  std::string m;
  m += "From: Mail Delivery System <" + r.from + ">\n";
  m += "To: " + r.to + "\n";
  m += r.success         ? "Subject: delivery notification: success\n"
       : r.delay         ? "Subject: delivery notification: delayed\n"
       : r.double_bounce ? "Subject: failure notice (double bounce)\n"
                         : "Subject: failure notice\n";
  m += "Date: " + MailDate(r.now) + "\n";
  m += "Message-ID: <" + std::to_string(r.now) + "." + r.queue_id + ".dsn@" + r.reporting_host +
       ">\n";
  m += "Auto-Submitted: auto-replied\n";
  m += "MIME-Version: 1.0\n";
  m += "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"" + boundary +
       "\"\n\n";
  m += "This is a MIME-encapsulated delivery status notification.\n\n";

  m += "--" + boundary + "\nContent-Type: text/plain; charset=us-ascii\n\n";
  m += "Hi. This is the mailsuite-send program at " + r.reporting_host + ".\n";
  if (r.success)
    m += "Your message was delivered to the following addresses, as you asked to be told.\n\n";
  else if (r.delay)
    m += "Your message has not been delivered to the following addresses yet, as you asked to be told.\n"
         "This is a temporary problem; I will keep trying until " + MailDate(r.will_retry_until) +
         ".\nYou do not need to send the message again.\n\n";
  else if (r.double_bounce)
    m += "I tried to deliver a bounce message to this address, but the bounce bounced!\n\n";
  else
    m += "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
         "This is a permanent error; I've given up. Sorry it didn't work out.\n\n";
  for (const auto& f : r.recipients) {
    m += "<" + OneLine(f.address, 1000) + ">:\n";
    m += QuotedReason(f.reason);
    m += "\n";
  }

  m += "--" + boundary + "\nContent-Type: message/delivery-status\n\n";
  m += "Reporting-MTA: dns; " + r.reporting_host + "\n";
  m += "X-Mailsuite-Queue-ID: " + r.queue_id + "\n";
  if (auto envid = DecodeXtext(r.envid); envid && !envid->empty())
    m += "Original-Envelope-Id: " + OneLine(*envid, 200) + "\n";
  m += "Arrival-Date: " + MailDate(r.arrival_time) + "\n";
  for (const auto& f : r.recipients) {
    m += "\n";
    if (auto orcpt = DecodeOrcpt(f.orcpt))
      m += "Original-Recipient: " + OneLine(orcpt->type, 64) + "; " + OneLine(orcpt->address, 1000) + "\n";
    m += "Final-Recipient: rfc822; " + OneLine(f.address, 1000) + "\n";
    m += "Action: " + (r.success ? OneLine(f.action, 20) : std::string(r.delay ? "delayed" : "failed")) + "\n";
    m += "Status: " + (r.success ? std::string("2.0.0")
                       : r.delay ? TemporaryStatusFromReason(f.reason)
                                 : StatusFromReason(f.reason)) + "\n";
    m += "Diagnostic-Code: X-mailsuite; " + OneLine(f.reason, 900) + "\n";
    m += "Last-Attempt-Date: " + MailDate(f.time) + "\n";
    if (r.delay) m += "Will-Retry-Until: " + MailDate(r.will_retry_until) + "\n";
  }
  std::string_view original = r.original_headers;
  if (!r.original_message.empty()) {
    original = r.original_message;
    m += "\n--" + boundary + "\nContent-Type: message/rfc822\n\n";
  } else {
    m += "\n--" + boundary + "\nContent-Type: text/rfc822-headers\n\n";
  }
  m += original;
  if (!original.empty() && original.back() != '\n') m += '\n';
  m += "\n--" + boundary + "--\n";
  return m;
}

}  // namespace ms::send
