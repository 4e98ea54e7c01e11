// RFC 3461 parameters, xtext and the envelope's DSN records: hostile input.
#include <catch2/catch.hpp>

#include <string>

#include "dsn_params.h"
#include "envelope.h"
#include "smtpd/command.h"

using namespace ms;

TEST_CASE("xtext decodes and encodes per RFC 3461 4", "[dsn]") {
  CHECK(DecodeXtext("abc+2Bdef+3D") == std::optional<std::string>("abc+def="));
  CHECK(DecodeXtext("") == std::optional<std::string>(""));
  CHECK(!DecodeXtext("+"));
  CHECK(!DecodeXtext("+4"));
  CHECK(!DecodeXtext("+4g"));
  CHECK(!DecodeXtext("+2b"));  // hex digits are upper case
  CHECK(!DecodeXtext("a=b"));
  CHECK(!DecodeXtext("a b"));
  CHECK(!DecodeXtext(std::string("a\0b", 3)));
  CHECK(!DecodeXtext("\x7f"));
  CHECK(!DecodeXtext("\xc3\xa9"));
  CHECK(DecodeXtext("+00") == std::optional<std::string>(std::string(1, '\0')));
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(DecodeXtext(EncodeXtext(all)) == std::optional<std::string>(all));
  CHECK(EncodeXtext("a+b=c d") == "a+2Bb+3Dc+20d");
}

TEST_CASE("MAIL and RCPT DSN parameters through smtpd's parsers", "[dsn]") {
  using namespace ms::smtpd;
  MailArgs m;
  REQUIRE(ParseMailArgs("FROM:<a@b.example> RET=HDRS ENVID=QQ+2B1", &m) == PathArgError::kNone);
  CHECK(m.dsn.ret == DsnRet::kHdrs);
  CHECK(m.dsn.envid == "QQ+2B1");
  CHECK(FormatMailDsn(m.dsn) == "RET=HDRS ENVID=QQ+2B1");
  MailArgs bad;
  CHECK(ParseMailArgs("FROM:<a@b.example> RET=ALL", &bad) == PathArgError::kBadParam);
  CHECK(ParseMailArgs("FROM:<a@b.example> RET", &bad) == PathArgError::kBadParam);
  MailArgs dup;
  CHECK(ParseMailArgs("FROM:<a@b.example> RET=FULL RET=HDRS", &dup) == PathArgError::kBadParam);
  MailArgs e1;
  CHECK(ParseMailArgs("FROM:<a@b.example> ENVID=a+zz", &e1) == PathArgError::kBadParam);
  MailArgs e2;
  CHECK(ParseMailArgs("FROM:<a@b.example> ENVID=" + std::string(101, 'x'), &e2) == PathArgError::kBadParam);
  MailArgs e3;
  CHECK(ParseMailArgs("FROM:<a@b.example> ENVID=" + std::string(100, 'x'), &e3) == PathArgError::kNone);
  MailArgs e4;
  CHECK(ParseMailArgs("FROM:<a@b.example> ENVID=", &e4) == PathArgError::kBadParam);

  RcptArgs r;
  REQUIRE(ParseRcptArgs("TO:<u@example.test> notify=success,delay ORCPT=rfc822;x+2By@y.example", &r) ==
          PathArgError::kNone);
  CHECK(r.dsn.notify == (kNotifySuccess | kNotifyDelay));
  CHECK(FormatRcptDsn(r.dsn) == "NOTIFY=SUCCESS,DELAY ORCPT=rfc822;x+2By@y.example");
  CHECK(DecodeOrcpt(r.dsn.orcpt)->address == "x+y@y.example");
  for (std::string bad_rcpt : {"NOTIFY=NEVER,SUCCESS", "NOTIFY=", "NOTIFY", "NOTIFY=SUCCESS,SUCCESS",
                               "NOTIFY=SUCCESS,", "NOTIFY=sometimes", "ORCPT=rfc822", "ORCPT=;a@b",
                               "ORCPT=rfc822;", "ORCPT=rfc822;a+GGb", "ORCPT=rfc 822;a",
                               "NOTIFY=NEVER NOTIFY=NEVER"}) {
    RcptArgs x;
    INFO(bad_rcpt);
    CHECK(ParseRcptArgs("TO:<u@example.test> " + bad_rcpt, &x) == PathArgError::kBadParam);
  }
  RcptArgs longo;
  CHECK(ParseRcptArgs("TO:<u@example.test> ORCPT=rfc822;" + std::string(493, 'a'), &longo) == PathArgError::kNone);
  RcptArgs toolong;
  CHECK(ParseRcptArgs("TO:<u@example.test> ORCPT=rfc822;" + std::string(494, 'a'), &toolong) ==
        PathArgError::kBadParam);
  RcptArgs unknown;
  CHECK(ParseRcptArgs("TO:<u@example.test> FOO=1", &unknown) == PathArgError::kUnknownParam);
}

TEST_CASE("10,000 parameters are refused without trouble", "[dsn]") {
  using namespace ms::smtpd;
  std::string many = "TO:<u@example.test>";
  for (int i = 0; i < 10000; ++i) many += " NOTIFY=NEVER";
  RcptArgs r;
  CHECK(ParseRcptArgs(many, &r) == PathArgError::kBadParam);  // the second is a duplicate
  std::string unknown = "FROM:<a@b.example>";
  for (int i = 0; i < 10000; ++i) unknown += " X" + std::to_string(i) + "=1";
  MailArgs m;
  CHECK(ParseMailArgs(unknown, &m) == PathArgError::kUnknownParam);
  std::string blanks = "FROM:<a@b.example>" + std::string(10000, ' ') + "RET=FULL";
  MailArgs m2;
  CHECK(ParseMailArgs(blanks, &m2) == PathArgError::kNone);
}

TEST_CASE("envelope DSN records: round trip, placement, old envelopes unchanged", "[dsn]") {
  Envelope e("s@a.example", {"r1@b.example", "r2@b.example"});
  CHECK(EncodeEnvelope(e) == std::string("Fs@a.example\0Tr1@b.example\0Tr2@b.example\0\0", 42));
  e.dsn.ret = DsnRet::kHdrs;
  e.dsn.envid = "ID1";
  e.recipient_dsn = {RcptDsn(), RcptDsn{kNotifyNever, "rfc822;x@y"}};
  std::string wire = EncodeEnvelope(e);
  CHECK(wire == std::string("Fs@a.example\0MRET=HDRS ENVID=ID1\0Tr1@b.example\0Tr2@b.example\0"
                            "RNOTIFY=NEVER ORCPT=rfc822;x@y\0\0",
                            93));
  EnvelopeError err;
  auto d = DecodeEnvelope(wire, &err);
  REQUIRE(d);
  CHECK(d->dsn == e.dsn);
  CHECK(d->recipient_dsn == e.recipient_dsn);
  CHECK(EncodeEnvelope(*d) == wire);
  CHECK(EncodeEnvelope(e, false) == std::string("Fs@a.example\0Tr1@b.example\0Tr2@b.example\0\0", 42));
  for (std::string bad : {std::string("Fs\0Tr\0MRET=FULL\0\0", 18), std::string("Fs\0RNOTIFY=NEVER\0Tr\0\0", 22),
                          std::string("Fs\0Tr\0RNOTIFY=NEVER\0RNOTIFY=NEVER\0\0", 36),
                          std::string("Fs\0MRET=FULL\0MRET=FULL\0Tr\0\0", 28), std::string("Fs\0MRET=ALL\0Tr\0\0", 17),
                          std::string("Fs\0M\0Tr\0\0", 10), std::string("Fs\0Tr\0RNOTIFY=NEVER  \0\0", 24),
                          std::string("Fs\0Tr\0RFOO=1\0\0", 15)}) {
    INFO(bad.size());
    CHECK(!DecodeEnvelope(bad, &err));
  }
  CHECK(!DecodeEnvelope(std::string("Fs\0Tr\0RNOTIFY=NEV", 17), &err));
  CHECK(err == EnvelopeError::kTruncated);
}
