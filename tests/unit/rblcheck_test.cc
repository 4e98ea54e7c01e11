#include <catch2/catch.hpp>

#include <string>

#include "rblcheck/cksum.h"
#include "rblcheck/dataset.h"
#include "rblcheck/dnsbl_name.h"
#include "rblcheck/rbl_policy.h"
#include "rblcheck/smtp_dialogue.h"

using namespace ms::rbl;
using namespace std::string_literals;

TEST_CASE("reversed query prefixes", "[rblcheck]") {
  CHECK(ReversedPrefix("1.2.3.4") == "4.3.2.1.");
  CHECK(ReversedPrefix("") == "");
  CHECK(ReversedPrefix("not.an.ip") == "ip.an.not.");
  CHECK(ReversedPrefix("::ffff:10.0.0.1") == "1.0.0.10.");
  CHECK(ReversedPrefix("2001:db8::1") ==
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.");
  CHECK(!ParseIp("1.2.3.256"));
  CHECK(!ParseIp("1.2.3"));
  CHECK(!ParseIp("1.2.3.4\0x"s));
  CHECK(!ParseIp(std::string(100, ':')));
}

TEST_CASE("POSIX cksum and the CKSUM trailer", "[rblcheck]") {
  CHECK(PosixCksum("") == 4294967295u);           // `printf '' | cksum`
  CHECK(PosixCksum("hello\n") == 3015617425u);    // `echo hello | cksum`
  std::string body = "127.0.0.2\n";
  std::string file = body + "# CKSUM: " + std::to_string(PosixCksum(body)) + " 10\n";
  std::string_view out;
  auto ok = VerifyCksumTrailer(file, &out);
  REQUIRE(ok);
  CHECK(*ok == TrailerState::kValid);
  CHECK(out == body);
  file[0] = '2';
  CHECK(!VerifyCksumTrailer(file, &out));
  CHECK(!VerifyCksumTrailer("x\n# CKSUM: 99999999999999999999999 1\n", &out));
  CHECK(!VerifyCksumTrailer("x\n# CKSUM: 1\n", &out));
  auto absent = VerifyCksumTrailer("127.0.0.2\n", &out);
  REQUIRE(absent);
  CHECK(*absent == TrailerState::kAbsent);
}

TEST_CASE("ip4set entries, ranges, exclusions and templates", "[rblcheck]") {
  Dataset set(DatasetType::kIp4Set);
  REQUIRE(set.AddText("$1 http://x/\n:127.0.0.2:Listed $ $1\n127.0.0.2\n10/8 :4:Net\n"
                      "!10.1.2.3\n127.16-31\n1.2.3.4-1.2.3.10 :5:\n5.5.5.5 cost $$5\n"
                      "garbage line\n1.2.3.4/33\n\0\n"s));
  set.Finish();
  CHECK(set.bad_lines() == 3);
  auto l = set.LookupIp4(0x7f000002);
  CHECK(l.listed);
  CHECK(l.a == 0x7f000002);
  CHECK(l.txt == "Listed 127.0.0.2 http://x/");
  CHECK(set.LookupIp4(0x0a090909).a == 0x7f000004);
  CHECK(!set.LookupIp4(0x0a010203).listed);
  CHECK(set.LookupIp4(0x7f1f0001).listed);
  CHECK(!set.LookupIp4(0x7f200001).listed);
  CHECK(set.LookupIp4(0x0102030a).listed);
  CHECK(!set.LookupIp4(0x0102030a).has_txt);
  CHECK(!set.LookupIp4(0x0102030b).listed);
  CHECK(set.LookupIp4(0x05050505).txt == "cost $5");
}

TEST_CASE("dnset wildcards and exclusions", "[rblcheck]") {
  Dataset set(DatasetType::kDnSet);
  REQUIRE(set.AddText("example.com\n.spam.test\n*.sub.test\n!ok.spam.test\n"));
  set.Finish();
  CHECK(set.LookupDomain("Example.COM.").listed);
  CHECK(!set.LookupDomain("www.example.com").listed);
  CHECK(set.LookupDomain("spam.test").listed);
  CHECK(set.LookupDomain("a.b.spam.test").listed);
  CHECK(!set.LookupDomain("ok.spam.test").listed);
  CHECK(!set.LookupDomain("sub.test").listed);
  CHECK(set.LookupDomain("x.sub.test").listed);
  CHECK(!set.LookupDomain("").listed);
}

TEST_CASE("hostile dataset input stays bounded", "[rblcheck]") {
  Dataset set(DatasetType::kIp4Set);
  std::string many;
  for (int i = 0; i < 20; ++i) many += "0.0.0.1-255.255.255.254\n";
  REQUIRE(set.AddText(many + std::string(100000, 'x') + "\n$=\n$\n:\n!\n"));
  set.Finish();
  CHECK(set.LookupIp4(0x01020304).listed);
  CHECK(!set.LookupIp4(0).listed);
}

TEST_CASE("rblsmtpd options and verdicts", "[rblcheck]") {
  char a0[] = "rblsmtpd", a1[] = "-r", a2[] = "one", a3[] = "-bc", a4[] = "-rtwo:127.0.0.2",
       a5[] = "-t5x", a6[] = "prog";
  char* argv[] = {a0, a1, a2, a3, a4, a5, a6, nullptr};
  auto o = ParseOptions(7, argv);
  REQUIRE(o);
  REQUIRE(o->zones.size() == 2);
  CHECK(!o->zones[0].bounce);
  CHECK(o->zones[1].bounce);
  CHECK(o->zones[1].fail_closed);
  CHECK(o->zones[1].kind == ZoneKind::kRangeList);
  CHECK(o->timeout == 5);
  CHECK(o->prog_index == 6);
  char* no_prog[] = {a0, a1, a2, nullptr};
  CHECK(!ParseOptions(3, no_prog));

  Verdict v = VerdictFromEnvironment("-go away");
  CHECK(ReplyLine(v) == "553 go away");
  v = Verdict{};
  ZoneOption failing;
  ApplyZone(failing, ZoneOutcome{true, false, "", 0}, &v);
  CHECK(v.decision == Decision::kUndecided);
  ZoneOption bouncing;
  bouncing.bounce = true;
  ApplyZone(bouncing, ZoneOutcome{false, true, "x\x01" + std::string(300, 'y'), 0}, &v);
  CHECK(v.decision == Decision::kBounce);
  CHECK(ReplyLine(v) == "451 x?" + std::string(198, 'y'));  // an earlier failure: never 553
}

TEST_CASE("limited SMTP dialogue verbs", "[rblcheck]") {
  VerbReader r;
  std::string got;
  r.Feed("HeLo x\r\nmail\r\nrcpt to\r\nhelo\0x\r\nquit\r\r\n"s + std::string(10000, 'a') +
             "\nnoop\nQUIT now\r\nhelo\r\n",
         [&](SmtpVerb v) {
           got += v == SmtpVerb::kQuit ? 'Q' : v == SmtpVerb::kAccept ? 'A' : 'R';
           return v != SmtpVerb::kQuit;
         });
  CHECK(got == "AARRRRAQ");
}
