#include <catch2/catch.hpp>

#include <string>

#include "remote/reply.h"
#include "remote/smtp_session.h"

using ms::remote::Reply;
using ms::remote::ReplyParser;
using State = ms::remote::ReplyParser::State;
using namespace std::string_literals;

TEST_CASE("reply parser: single and multi-line replies", "[remote][reply]") {
  ReplyParser p;
  Reply r;
  p.Feed("220 mx.example ESMTP\r\n250-mx.example hello\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
  REQUIRE(p.Next(&r) == State::kReply);
  CHECK(r.code == 220);
  CHECK(r.Joined() == "220 mx.example ESMTP");
  REQUIRE(p.Next(&r) == State::kReply);
  CHECK(r.code == 250);
  REQUIRE(r.lines.size() == 3);
  CHECK(r.Joined() == "250 mx.example hello PIPELINING SIZE 1000");
  auto ext = ms::remote::ParseEhloReply(r);
  CHECK(ext.pipelining);
  CHECK(ext.size);
  CHECK(ext.size_limit == 1000);
  CHECK_FALSE(ext.eight_bit_mime);
  CHECK(p.Next(&r) == State::kNeedMore);
}

TEST_CASE("reply parser: byte by byte, bare LF, code alone", "[remote][reply]") {
  ReplyParser p;
  Reply r;
  std::string input = "550-5.1.1 first\n550 5.1.1 second\r\n354\r\n";
  for (size_t i = 0; i + 1 < 34; ++i) {
    p.Feed(input.substr(i, 1));
    CHECK(p.Next(&r) == State::kNeedMore);
  }
  p.Feed(input.substr(33));
  REQUIRE(p.Next(&r) == State::kReply);
  CHECK(r.code == 550);
  CHECK(r.Joined() == "550 5.1.1 first 5.1.1 second");
  REQUIRE(p.Next(&r) == State::kReply);
  CHECK(r.code == 354);
  CHECK(r.Intermediate());
  CHECK(r.Joined() == "354");
}

TEST_CASE("reply parser: hostile input", "[remote][reply]") {
  Reply r;
  SECTION("NUL and control bytes are neutralised") {
    ReplyParser p;
    p.Feed("250 a\0b\rc\r\n"s);
    REQUIRE(p.Next(&r) == State::kReply);
    CHECK(r.Joined().find('\0') == std::string::npos);
    CHECK(r.Joined() == "250 a?b?c");
  }
  SECTION("not a code") {
    ReplyParser p;
    p.Feed("hello there\r\n");
    CHECK(p.Next(&r) == State::kMalformed);
    p.Feed("250 ok\r\n");
    CHECK(p.Next(&r) == State::kMalformed);  // sticky
  }
  SECTION("codes outside 2xx-5xx, bad separator, mixed codes") {
    for (const char* bad : {"199 x\r\n", "600 x\r\n", "25 x\r\n", "250x\r\n", "250-a\r\n251 b\r\n"}) {
      ReplyParser p;
      p.Feed(bad);
      CHECK(p.Next(&r) == State::kMalformed);
    }
  }
  SECTION("a huge multi-line reply is capped") {
    ReplyParser p;
    std::string line = "250-" + std::string(3000, 'x') + "\r\n";
    for (int i = 0; i < 500; ++i) p.Feed(line);
    p.Feed("250 end\r\n");
    REQUIRE(p.Next(&r) == State::kReply);
    CHECK(r.Joined().size() <= ms::remote::kMaxReplyText);
    CHECK(r.lines.size() <= ms::remote::kMaxReplyLines);
  }
  SECTION("an endless line without LF is malformed, not buffered forever") {
    ReplyParser p;
    State s = State::kNeedMore;
    for (int i = 0; i < 100 && s == State::kNeedMore; ++i) {
      p.Feed(std::string(4096, 'y'));
      s = p.Next(&r);
    }
    CHECK(s == State::kMalformed);
  }
  SECTION("truncated reply waits for more") {
    ReplyParser p;
    p.Feed("250-partial\r\n250 la");
    CHECK(p.Next(&r) == State::kNeedMore);
    p.Feed("st\r\n");
    REQUIRE(p.Next(&r) == State::kReply);
    CHECK(r.Joined() == "250 partial last");
  }
}

TEST_CASE("EHLO keywords: case, SIZE without or with a bad number", "[remote][reply]") {
  ReplyParser p;
  Reply r;
  p.Feed("250-x\r\n250-8bitmime\r\n250-pipelining\r\n250-StartTLS\r\n250 SIZE\r\n");
  REQUIRE(p.Next(&r) == State::kReply);
  auto e = ms::remote::ParseEhloReply(r);
  CHECK(e.eight_bit_mime);
  CHECK(e.pipelining);
  CHECK(e.starttls);
  CHECK(e.size);
  CHECK(e.size_limit == 0);
  ReplyParser q;
  q.Feed("250-x\r\n250 SIZE 99999999999999999999999\r\n");
  REQUIRE(q.Next(&r) == State::kReply);
  CHECK(ms::remote::ParseEhloReply(r).size_limit == 0);
}
