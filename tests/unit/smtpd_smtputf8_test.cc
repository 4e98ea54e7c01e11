// SMTPUTF8 in the smtpd session (RFC 6531): the offer, the MAIL
// parameter, UTF-8 addresses only after it, the queue mark, Received.
#include <catch2/catch.hpp>

#include <string>

#include "smtpd/command.h"
#include "smtpd/session.h"
#include "smtpd_memory_io.h"

using namespace ms::smtpd;
using namespace ms::smtpd::testing;
using namespace std::string_literals;

namespace {

std::string Drive(const std::string& in, MemoryQueue* queue, bool offer = true) {
  Config config = TestConfig();
  config.smtputf8 = offer;
  config.relay.rcpthosts.push_back("bücher.example");
  config.relay.rcpthosts.push_back("xn--fsqu00a.xn--4rr70v");  // 例子.广告
  MemoryTransport t(in, 4096, false);
  Session s(config, &t, queue->Factory(), QuietHooks(true));
  s.Run();
  return t.output;
}

}  // namespace

TEST_CASE("smtputf8: MAIL parameter parsing", "[smtpd][utf8]") {
  MailArgs a;
  CHECK(ParseMailArgs("FROM:<jörg@bücher.example> SMTPUTF8", &a) == PathArgError::kNone);
  CHECK(a.smtputf8);
  MailArgs b;
  CHECK(ParseMailArgs("FROM:<a@b.example> smtputf8 BODY=8BITMIME", &b) == PathArgError::kNone);
  CHECK(b.smtputf8);
  MailArgs c;
  CHECK(ParseMailArgs("FROM:<a@b.example> SMTPUTF8=yes", &c) == PathArgError::kBadParam);
  MailArgs d;
  CHECK(ParseMailArgs("FROM:<a\xc0\xaf@b.example> SMTPUTF8", &d) == PathArgError::kBadUtf8);
  RcptArgs r;
  CHECK(ParseRcptArgs("TO:<\xed\xa0\x80@b.example>", &r) == PathArgError::kBadUtf8);
  CHECK(ParseRcptArgs("TO:<用户@例子.广告>", &r) == PathArgError::kNone);
}

TEST_CASE("smtputf8: offered, UTF-8 envelope queued with the mark", "[smtpd][utf8]") {
  MemoryQueue q;
  std::string out = Drive("EHLO c.example\r\nMAIL FROM:<jörg@bücher.example> SMTPUTF8\r\n"
                          "RCPT TO:<用户@例子.广告>\r\nRCPT TO:<plain@example.test>\r\n"
                          "DATA\r\nSubject: grüße\r\nFrom: Jörg <jörg@bücher.example>\r\n\r\nhi\r\n.\r\nQUIT\r\n",
                          &q);
  CHECK(out.find("250-SMTPUTF8\r\n") != std::string::npos);
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].envelope.smtputf8);
  CHECK(q.queued[0].envelope.sender == "jörg@bücher.example");
  CHECK(q.queued[0].envelope.recipients == std::vector<std::string>{"用户@例子.广告", "plain@example.test"});
  CHECK(q.queued[0].data.find("with UTF8SMTP;") != std::string::npos);
  CHECK(q.queued[0].data.find("Subject: grüße\n") != std::string::npos);
}

TEST_CASE("smtputf8: an ASCII transaction is not marked", "[smtpd][utf8]") {
  MemoryQueue q;
  Drive("EHLO c.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.test>\r\n"
        "DATA\r\n\r\nhi\r\n.\r\nQUIT\r\n",
        &q);
  REQUIRE(q.queued.size() == 1);
  CHECK_FALSE(q.queued[0].envelope.smtputf8);
  CHECK(q.queued[0].data.find("with ESMTP;") != std::string::npos);
}

TEST_CASE("smtputf8: non-ASCII without the parameter, malformed UTF-8", "[smtpd][utf8]") {
  MemoryQueue q;
  std::string out = Drive("EHLO c.example\r\nMAIL FROM:<jörg@bücher.example>\r\n"
                          "MAIL FROM:<a@b.example>\r\nRCPT TO:<用户@例子.广告>\r\nRSET\r\n"
                          "MAIL FROM:<a\xc0\xaf@b.example> SMTPUTF8\r\n"
                          "MAIL FROM:<a@b.example> SMTPUTF8\r\nRCPT TO:<\xed\xa0\x80@example.test>\r\n"
                          "RCPT TO:<\xf4\x90\x80\x80x@example.test>\r\n"
                          "RCPT TO:<" + std::string(1000, 'a') + "@example.test>\r\n"
                          "RCPT TO:<ü@other.example>\r\n"
                          "RCPT TO:<ü@xn--bcher-kva.example>\r\nQUIT\r\n",
                          &q);
  const char* expected[] = {"553 5.6.7 non-ASCII address without SMTPUTF8", "250 2.1.0 ok",
                            "553 5.6.7 non-ASCII address without SMTPUTF8", "250 2.0.0 ok",
                            "553 5.6.7 address is not well-formed UTF-8", "250 2.1.0 ok",
                            "553 5.6.7 address is not well-formed UTF-8",
                            "553 5.6.7 address is not well-formed UTF-8",
                            "500 5.5.2 line too long", "553 5.7.1 relaying denied",
                            "250 2.1.5 ok"};  // U-label local part, A-label rcpthosts entry
  size_t pos = 0;
  for (const char* e : expected) {
    INFO(e);
    size_t at = out.find(e, pos);
    REQUIRE(at != std::string::npos);
    pos = at + 1;
  }
  CHECK(q.queued.empty());
}

TEST_CASE("smtputf8: switched off by control/smtputf8 0", "[smtpd][utf8]") {
  MemoryQueue q;
  std::string out = Drive("EHLO c.example\r\nMAIL FROM:<a@b.example> SMTPUTF8\r\n"
                          "MAIL FROM:<jörg@b.example>\r\nQUIT\r\n",
                          &q, false);
  CHECK(out.find("SMTPUTF8\r\n") == std::string::npos);
  CHECK(out.find("555 5.5.4 unsupported parameter") != std::string::npos);
  CHECK(out.find("553 5.6.7") != std::string::npos);
}
