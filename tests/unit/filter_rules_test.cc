// control/filterrules parsing and matching, filtercontrol, the scanners'
// reply parsers and the quarantine header: hostile input included.
#include <catch2/catch.hpp>

#include <string>

#include "filter/clamd_client.h"
#include "filter/filter_control.h"
#include "filter/quarantine_store.h"
#include "filter/rules.h"
#include "filter/spamd_client.h"

using namespace ms::filter;

TEST_CASE("filterrules: the seed's lines parse", "[filter]") {
  auto set = RuleSet::Parse(
      "# comment\n"
      "ILOVEYOU|Re: ILOVEYOU|FW: ILOVEYOU\tPolicy-Subject:\tAccess Denied - This message may contain a virus.\n"
      "\n"
      ".*\\.mp3\t\t\tSIZE=-1\t\tmp3 disallowed\n"
      "Happy99\\.exe\tSIZE=10000\tHappy99 Trojan virus\tquarantine\n"
      ".*duma\\.gov\\.ru\tPolicy-MAILFROM:\tVirus Dumaru\n");
  REQUIRE(set.ok());
  const RuleSet& r = **set;
  REQUIRE(r.size() == 4);
  CHECK(r.rule(0).type == RuleType::kHeader);
  CHECK(r.rule(0).header == "subject");
  CHECK(r.rule(0).line == 2);
  CHECK(r.rule(1).type == RuleType::kSize);
  CHECK(r.rule(1).size == -1);
  CHECK(r.rule(2).action == Action::kQuarantine);
  CHECK(r.rule(3).type == RuleType::kMailFrom);
}

TEST_CASE("filterrules: whole value, case-insensitive", "[filter]") {
  auto set = RuleSet::Parse("ILOVEYOU|Re: ILOVEYOU\tPolicy-Subject:\tvirus\n");
  REQUIRE(set.ok());
  int hits = 0;
  auto count = [&](const Rule&) { ++hits; };
  (*set)->MatchHeader("subject", "ILOVEYOU", count);
  (*set)->MatchHeader("subject", "iloveyou", count);
  (*set)->MatchHeader("subject", "re: iloveyou", count);
  CHECK(hits == 3);
  (*set)->MatchHeader("subject", "I LOVE YOU", count);
  (*set)->MatchHeader("subject", "ILOVEYOU from me", count);
  (*set)->MatchHeader("subject", "xILOVEYOU", count);
  (*set)->MatchHeader("x-subject", "ILOVEYOU", count);
  CHECK(hits == 3);
  // A NUL inside the value does not cut it short.
  (*set)->MatchHeader("subject", std::string("ILOVEYOU\0x", 10), count);
  CHECK(hits == 3);
}

TEST_CASE("filterrules: SIZE matches name and exact size", "[filter]") {
  auto set = RuleSet::Parse(".*\\.doc\tSIZE=0\tzero\n");
  REQUIRE(set.ok());
  int hits = 0;
  auto count = [&](const Rule&) { ++hits; };
  (*set)->MatchAttachment("a.doc", 0, count);
  (*set)->MatchAttachment("a.doc", 1, count);
  (*set)->MatchAttachment("a.docx", 0, count);
  CHECK(hits == 1);
}

TEST_CASE("filterrules: bad lines are errors naming the line", "[filter]") {
  for (const char* bad : {"onlyonefield\n", "a\tb\n", "a\tSIZE=x\ttext\n", "a\tSIZE=-2\ttext\n",
                          "a\tPolicy-:\ttext\n", "a\tPolicy-Subject\ttext\n", "a\tPolicy-Sub ject:\ttext\n",
                          "([\tPolicy-Subject:\ttext\n", "a\tPolicy-Subject:\ttext\tbounce\n",
                          "a\tPolicy-Subject:\ttext\treject\textra\n"}) {
    INFO(bad);
    auto set = RuleSet::Parse(std::string("# ok\n") + bad);
    REQUIRE_FALSE(set.ok());
    CHECK(set.error().message.find("line 2") != std::string::npos);
  }
  CHECK_FALSE(RuleSet::Parse(std::string("a\tPolicy-Subject:\tx\0y\n", 22)).ok());
  // Shapes that make glibc's regcomp blow up (found by fuzz_filter_rules).
  for (const char* bad : {"U++++++++++++++++++++++++++++++++++++++++", "a*+", "(a{100}){101}", "a{20}b{20}c{30}", "x{"}) {
    INFO(bad);
    auto set = RuleSet::Parse(std::string(bad) + "\tPolicy-Subject:\tx\n");
    REQUIRE_FALSE(set.ok());
    CHECK(set.error().message.find("PATTERN refused") != std::string::npos);
  }
  for (const char* good : {"a+b*c?", "[*+]+", "[[:alpha:]]+x{2,3}", "\\++", "(ab)+(cd)*", ".{0,100}"}) {
    INFO(good);
    CHECK(RuleSet::Parse(std::string(good) + "\tPolicy-Subject:\tx\n").ok());
  }
  CHECK_FALSE(RuleSet::Parse(std::string(5000, 'a') + "\tPolicy-Subject:\tx\n").ok());
  std::string many;
  for (size_t i = 0; i <= RuleSet::kMaxRules; ++i) many += "a\tPolicy-Subject:\tx\n";
  CHECK_FALSE(RuleSet::Parse(many).ok());
}

TEST_CASE("filterrules: actions order", "[filter]") {
  Action a;
  REQUIRE(ParseAction("TempFail", &a));
  CHECK(a == Action::kTempfail);
  CHECK(static_cast<int>(Action::kReject) > static_cast<int>(Action::kTempfail));
  CHECK(static_cast<int>(Action::kQuarantine) > static_cast<int>(Action::kDiscard));
  CHECK_FALSE(ParseAction("", &a));
}

TEST_CASE("filtercontrol: most specific entry of sender, then first recipient, then default", "[filter]") {
  auto fc = FilterControl::Parse({"postmaster@example.com:clam=yes,attach=.txt:com",
                                  "example.com:spam=yes,clam=no,attach=.mp3",
                                  ":clam=yes,spam=yes,spamreject=20.1"});
  REQUIRE(fc.ok());
  ms::Envelope e{"someone@elsewhere.test", {"postmaster@example.com"}};
  FilterPolicy p = fc->For(e);
  CHECK(p.clam);
  CHECK(p.attach == std::vector<std::string>{".txt", ".com"});
  e.recipients = {"user@EXAMPLE.com"};
  p = fc->For(e);
  CHECK_FALSE(p.clam);
  e.recipients = {"user@other.test"};
  p = fc->For(e);
  REQUIRE(p.spam_reject);
  CHECK(*p.spam_reject == Approx(20.1));
  e.sender = "x@example.com";
  CHECK_FALSE(fc->For(e).clam);
  CHECK_FALSE(FilterControl::Parse({"nocolon"}).ok());
  CHECK_FALSE(FilterControl::Parse({"a:clam=maybe"}).ok());
  CHECK_FALSE(FilterControl::Parse({"a:spamreject=-1"}).ok());
  CHECK_FALSE(FilterControl::Parse({"a:frob=1"}).ok());
}

TEST_CASE("clamd replies", "[filter]") {
  CHECK(ParseClamdReply(std::string("stream: OK\0", 11)).kind == ClamResult::kClean);
  auto found = ParseClamdReply(std::string("stream: Eicar-Test-Signature FOUND\0", 35));
  CHECK(found.kind == ClamResult::kFound);
  CHECK(found.detail == "Eicar-Test-Signature");
  CHECK(ParseClamdReply("INSTREAM size limit exceeded. ERROR").kind == ClamResult::kError);
  CHECK(ParseClamdReply("").kind == ClamResult::kError);
  auto hostile = ParseClamdReply("stream: \r\n\x01evil FOUND");
  CHECK(hostile.detail.find('\n') == std::string::npos);
}

TEST_CASE("spamd replies", "[filter]") {
  auto r = ParseSpamdReply("SPAMD/1.1 0 EX_OK\r\nContent-length: 5\r\nSpam: True ; 1002.5 / 5.0\r\n\r\nGTUBE,X\r\n");
  REQUIRE(r.ok);
  CHECK(r.spam);
  CHECK(r.score == Approx(1002.5));
  CHECK(r.threshold == Approx(5.0));
  CHECK(r.symbols == "GTUBE,X");
  auto no = ParseSpamdReply("SPAMD/1.1 0 EX_OK\r\nSpam: False ; 1.2 / 5.0\r\n\r\n");
  REQUIRE(no.ok);
  CHECK_FALSE(no.spam);
  CHECK_FALSE(ParseSpamdReply("SPAMD/1.1 76 Bad header line").ok);
  CHECK_FALSE(ParseSpamdReply("SPAMD/1.1 0 EX_OK\r\nSpam: True\r\n\r\n").ok);
  CHECK_FALSE(ParseSpamdReply("").ok);
}

TEST_CASE("quarantine header", "[filter]") {
  std::string env = std::string("Fa@b\0Tc@d\0\0", 11);
  std::string head = "mailsuite-quarantine 1\ntime 5\nverdict rule:1: x\nenvelope-length 11\nmessage-length 3\n\n";
  auto e = ParseQuarantineHeader(head + env + "abc", head.size() + 11 + 3);
  REQUIRE(e.ok());
  CHECK(e->envelope.sender == "a@b");
  CHECK(e->message_length == 3);
  CHECK(e->message_offset == head.size() + 11);
  CHECK_FALSE(ParseQuarantineHeader(head + env + "abc", head.size() + 11 + 4).ok());
  CHECK_FALSE(ParseQuarantineHeader(head.substr(0, 30), 30).ok());
  CHECK_FALSE(ParseQuarantineHeader("mailsuite-quarantine 1\nenvelope-length 99999999999\nmessage-length 0\n\n", 70).ok());
  CHECK(IsValidQuarantineId("1733371200.123456.42"));
  CHECK_FALSE(IsValidQuarantineId("../x"));
  CHECK_FALSE(IsValidQuarantineId("1..2"));
  CHECK_FALSE(IsValidQuarantineId(""));
}
