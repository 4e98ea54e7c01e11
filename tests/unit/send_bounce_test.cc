#include <catch2/catch.hpp>

#include "send/bounce.h"

using namespace ms::send;
using namespace std::string_literals;

namespace {
size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

BounceRequest Request() {
  BounceRequest b;
  b.reporting_host = "mx.example.test";
  b.from = "MAILER-DAEMON@mx.example.test";
  b.to = "sender@example.org";
  b.queue_id = "123.456";
  b.arrival_time = 1763830000;
  b.now = 1763831000;
  b.recipients = {{"a@example.test", "Sorry, no mailbox here by that name. (#5.1.1)", 1763830500},
                  {"b@remote.test", "Remote host said: 550 5.7.1 go away\nsecond line", 1763830600}};
  return b;
}
}  // namespace

TEST_CASE("bounce is an RFC 3464 multipart/report", "[send][bounce]") {
  std::string headers = "Received: from x\nSubject: hello\nMessage-ID: <m@x>\n";
  BounceRequest b = Request();
  b.original_headers = headers;
  std::string m = ComposeBounce(b);
  CHECK(m.find("From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\n") == 0);
  CHECK(m.find("\nTo: sender@example.org\n") != std::string::npos);
  CHECK(m.find("Content-Type: multipart/report; report-type=delivery-status;") != std::string::npos);
  CHECK(m.find("Auto-Submitted: auto-replied\n") != std::string::npos);
  CHECK(m.find("Content-Type: message/delivery-status\n") != std::string::npos);
  CHECK(m.find("Content-Type: text/rfc822-headers\n\n" + headers) != std::string::npos);
  CHECK(m.find("Reporting-MTA: dns; mx.example.test\n") != std::string::npos);
  CHECK(m.find("Final-Recipient: rfc822; a@example.test\nAction: failed\nStatus: 5.1.1\n") !=
        std::string::npos);
  CHECK(m.find("Final-Recipient: rfc822; b@remote.test\nAction: failed\nStatus: 5.7.1\n") !=
        std::string::npos);
  // human part quotes the reasons, line by line
  CHECK(m.find("<a@example.test>:\nSorry, no mailbox here by that name. (#5.1.1)\n") !=
        std::string::npos);
  CHECK(m.find("Remote host said: 550 5.7.1 go away\nsecond line\n") != std::string::npos);
  // DSN fields stay on one line
  CHECK(m.find("Diagnostic-Code: X-mailsuite; Remote host said: 550 5.7.1 go away second line\n") !=
        std::string::npos);
  // boundary: declared once, 3 parts, one close
  std::string boundary = "mailsuite-dsn-123.456-1763831000";
  CHECK(Count(m, "boundary=\"" + boundary + "\"") == 1);
  CHECK(Count(m, "\n--" + boundary + "\n") == 3);
  CHECK(Count(m, "\n--" + boundary + "--\n") == 1);
  CHECK(m.find('\r') == std::string::npos);
}

TEST_CASE("double bounce says so", "[send][bounce]") {
  BounceRequest b = Request();
  b.double_bounce = true;
  b.to = "postmaster@mx.example.test";
  std::string m = ComposeBounce(b);
  CHECK(m.find("the bounce bounced") != std::string::npos);
  CHECK(m.find("Subject: failure notice (double bounce)\n") != std::string::npos);
}

TEST_CASE("hostile reasons cannot add header fields", "[send][bounce]") {
  BounceRequest b = Request();
  b.recipients = {{"a@x\nBcc: victim@evil", "bad\r\nX-Injected: yes\0\x7f"s, 0}};
  std::string m = ComposeBounce(b);
  CHECK(m.find("\nBcc:") == std::string::npos);
  // only the human-readable quote may show it as a line of text; the
  // header and the delivery-status fields never do
  size_t dsn = m.find("Content-Type: message/delivery-status");
  CHECK(m.find("\nX-Injected", dsn) == std::string::npos);
  CHECK(m.find("\nX-Injected") > m.find("Content-Type: text/plain"));
  CHECK(m.find('\0') == std::string::npos);
  b.recipients = {{"a@x", std::string(100000, 'z'), 0}};
  m = ComposeBounce(b);
  CHECK(m.size() < 120000);
}

TEST_CASE("status codes from reasons", "[send][bounce]") {
  CHECK(StatusFromReason("Sorry (#5.1.1)") == "5.1.1");
  CHECK(StatusFromReason("550 5.7.1 rejected") == "5.7.1");
  CHECK(StatusFromReason("mailbox full 4.2.2 then gave up") == "5.0.0");
  CHECK(StatusFromReason("version 15.1.1") == "5.0.0");
  CHECK(StatusFromReason("5.1.1234") == "5.0.0");
  CHECK(StatusFromReason("5.") == "5.0.0");
  CHECK(StatusFromReason("") == "5.0.0");
  CHECK(StatusFromReason("code 5.100.100 x") == "5.100.100");
}

TEST_CASE("message header extraction", "[send][bounce]") {
  CHECK(MessageHeader("A: 1\nB: 2\n\nbody\n", 1000) == "A: 1\nB: 2\n");
  CHECK(MessageHeader("A: 1\r\nB: 2\r\n\r\nbody\r\n", 1000) == "A: 1\r\nB: 2\r\n");
  CHECK(MessageHeader("\nbody", 1000) == "");
  CHECK(MessageHeader("A: 1\nB: 2", 1000) == "A: 1\nB: 2");
  CHECK(MessageHeader("A: 1\nB: 22222\n\n", 8) == "A: 1\n");
  CHECK(MessageHeader(std::string(5000, 'x'), 100).size() == 100);
  CHECK(MessageHeader("", 10) == "");
}

TEST_CASE("mail dates", "[send][bounce]") {
  CHECK(MailDate(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(MailDate(1763830000) == "Sat, 22 Nov 2025 16:46:40 +0000");
}

TEST_CASE("double bounce carries the failed bounce whole as message/rfc822", "[send][bounce]") {
  BounceRequest b = Request();
  b.double_bounce = true;
  std::string failed = "From: MAILER-DAEMON@x\nSubject: failure notice\n\nbody of the bounce\n";
  b.original_message = failed;
  std::string m = ComposeBounce(b);
  CHECK(m.find("Content-Type: message/rfc822\n\n" + failed) != std::string::npos);
  CHECK(m.find("text/rfc822-headers") == std::string::npos);
  // without it (over the limit): the header section as before
  b.original_message = {};
  b.original_headers = "Subject: failure notice\n";
  m = ComposeBounce(b);
  CHECK(m.find("Content-Type: text/rfc822-headers\n\nSubject: failure notice\n") != std::string::npos);
  CHECK(m.find("message/rfc822") == std::string::npos);
}

TEST_CASE("delay notice: Action delayed, 4.x.y status, Will-Retry-Until", "[send][bounce]") {
  BounceRequest b = Request();
  b.delay = true;
  b.will_retry_until = 1764434800;
  b.recipients = {{"a@slow.test", "Remote host said: 451 4.3.2 come back later", 1763830500, "rfc822;A+2BO@slow.test"},
                  {"b@slow.test", "Connection timed out (#5.4.1 is not it)", 1763830600}};
  b.original_headers = "Subject: slow\n";
  std::string m = ComposeBounce(b);
  CHECK(m.find("Subject: delivery notification: delayed\n") != std::string::npos);
  CHECK(m.find("Original-Recipient: rfc822; A+O@slow.test\nFinal-Recipient: rfc822; a@slow.test\n"
               "Action: delayed\nStatus: 4.3.2\n") != std::string::npos);
  CHECK(m.find("Final-Recipient: rfc822; b@slow.test\nAction: delayed\nStatus: 4.0.0\n") != std::string::npos);
  CHECK(Count(m, "Will-Retry-Until: " + MailDate(1764434800) + "\n") == 2);
  CHECK(m.find("Action: failed") == std::string::npos);
  CHECK(m.find("permanent error") == std::string::npos);
  CHECK(TemporaryStatusFromReason("421 4.7.0 try later") == "4.7.0");
  CHECK(TemporaryStatusFromReason("550 5.1.1 no") == "4.0.0");
  CHECK(TemporaryStatusFromReason("") == "4.0.0");
}
