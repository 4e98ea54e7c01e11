#include <catch2/catch.hpp>

#include <string>

#include "smtpd/command.h"

using namespace ms::smtpd;
using namespace std::string_literals;

TEST_CASE("smtpd command verbs are case-insensitive and arguments trimmed", "[smtpd]") {
  Command c = ParseCommand("ehLo  client.example ");
  CHECK(c.verb == Verb::kEhlo);
  CHECK(c.arg == "client.example");
  CHECK(ParseCommand("QUIT").verb == Verb::kQuit);
  CHECK(ParseCommand("quit").arg.empty());
  CHECK(ParseCommand("MAILFROM:<a@b>").verb == Verb::kUnknown);
  CHECK(ParseCommand("").verb == Verb::kUnknown);
  CHECK(ParseCommand("   ").verb == Verb::kUnknown);
  CHECK(ParseCommand("STARTTLS").verb == Verb::kStartTls);
}

TEST_CASE("smtpd command parser flags NUL and control octets", "[smtpd]") {
  CHECK(ParseCommand("HELO a\0b"s).has_control);
  CHECK(ParseCommand("HELO a\rb").has_control);
  CHECK(ParseCommand("NOOP\x1b[2J").has_control);
  CHECK_FALSE(ParseCommand("HELO a\tb").has_control);
  CHECK(ParseCommand("\0"s).has_control);
}

TEST_CASE("smtpd MAIL FROM arguments", "[smtpd]") {
  MailArgs m;
  REQUIRE(ParseMailArgs("FROM:<a@example.net> SIZE=1000 BODY=8BITMIME", &m) == PathArgError::kNone);
  CHECK(m.path.mailbox.local == "a");
  CHECK(m.path.mailbox.domain == "example.net");
  CHECK(m.has_size);
  CHECK(m.size == 1000);
  CHECK(m.body_8bit);
  MailArgs null;
  REQUIRE(ParseMailArgs("from:<>", &null) == PathArgError::kNone);
  CHECK(null.path.null);
  MailArgs loose;
  CHECK(ParseMailArgs("FROM: <a@b.example>", &loose) == PathArgError::kNone);
  CHECK(ParseMailArgs("FROM:a@b.example", &loose) == PathArgError::kNone);
  MailArgs q;
  REQUIRE(ParseMailArgs("FROM:<\"a b>c\"@x.example> SIZE=1", &q) == PathArgError::kNone);
  CHECK(q.path.mailbox.local == "a b>c");
}

TEST_CASE("smtpd MAIL FROM hostile arguments", "[smtpd]") {
  MailArgs m;
  CHECK(ParseMailArgs("", &m) == PathArgError::kSyntax);
  CHECK(ParseMailArgs("TO:<a@b>", &m) == PathArgError::kSyntax);
  CHECK(ParseMailArgs("FROM:", &m) == PathArgError::kSyntax);
  CHECK(ParseMailArgs("FROM:<a@b.example", &m) == PathArgError::kSyntax);
  CHECK(ParseMailArgs("FROM:<a@b.example>junk", &m) == PathArgError::kSyntax);
  CHECK(ParseMailArgs("FROM:<a@b.example> SIZE=", &m) == PathArgError::kBadParam);
  CHECK(ParseMailArgs("FROM:<a@b.example> SIZE=-1", &m) == PathArgError::kBadParam);
  CHECK(ParseMailArgs("FROM:<a@b.example> SIZE=99999999999999999999999", &m) == PathArgError::kBadParam);
  CHECK(ParseMailArgs("FROM:<a@b.example> BODY=BINARYMIME", &m) == PathArgError::kBadParam);
  CHECK(ParseMailArgs("FROM:<a@b.example> XFOO=1", &m) == PathArgError::kUnknownParam);
  CHECK(ParseMailArgs("FROM:<a\0b@c.example>"s, &m) == PathArgError::kBadAddress);
  CHECK(ParseMailArgs("FROM:<a@@b.example>", &m) == PathArgError::kBadAddress);
  CHECK(ParseMailArgs("FROM:<\"unterminated@b.example>", &m) == PathArgError::kSyntax);
  std::string huge = "FROM:<" + std::string(300, 'a') + "@b.example>";
  CHECK(ParseMailArgs(huge, &m) == PathArgError::kTooLong);
}

TEST_CASE("smtpd RCPT TO arguments", "[smtpd]") {
  RcptArgs r;
  REQUIRE(ParseRcptArgs("TO:<u@example.test>", &r) == PathArgError::kNone);
  CHECK(r.path.mailbox.domain == "example.test");
  CHECK(ParseRcptArgs("TO:<>", &r) == PathArgError::kBadAddress);
  // NOTIFY is known since DSN (issue 22); other parameters still are not.
  CHECK(ParseRcptArgs("TO:<u@example.test> NOTIFY=NEVER", &r) == PathArgError::kNone);
  CHECK(ParseRcptArgs("TO:<u@example.test> XNOTIFY=NEVER", &r) == PathArgError::kUnknownParam);
  REQUIRE(ParseRcptArgs("TO:<@relay.example:u@example.test>", &r) == PathArgError::kNone);
  CHECK(r.path.had_source_route);
  CHECK(r.path.mailbox.domain == "example.test");
  REQUIRE(ParseRcptArgs("TO:<postmaster>", &r) == PathArgError::kNone);
  CHECK(r.path.mailbox.domain.empty());
  CHECK(ParseRcptArgs("TO:<user@other.example@example.test>", &r) == PathArgError::kBadAddress);
}
