#include <catch2/catch.hpp>

#include <map>

#include "smtpd/relay_policy.h"

using namespace ms::smtpd;

namespace {

RelayConfig Config() {
  RelayConfig c;
  c.rcpthosts = {"example.test", ".sub.example.test"};
  c.me = "mail.example.test";
  c.localiphost = "mail.example.test";
  c.local_ip = "192.0.2.1";
  return c;
}

RcptDecision Check(const RelayConfig& c, const std::string& path, bool auth = false) {
  ms::AddressError e;
  auto p = ms::ParsePath(path, ms::PathOptions{false, true}, &e);
  REQUIRE(p.ok());
  return CheckRecipient(c, *p, auth);
}

}  // namespace

TEST_CASE("smtpd relay: rcpthosts and subdomains", "[smtpd]") {
  RelayConfig c = Config();
  CHECK(Check(c, "<u@example.test>").verdict == RcptVerdict::kAccept);
  CHECK(Check(c, "<u@EXAMPLE.TEST>").address == "u@example.test");
  CHECK(Check(c, "<u@a.sub.example.test>").verdict == RcptVerdict::kAccept);
  CHECK(Check(c, "<u@sub.example.test>").verdict == RcptVerdict::kRelayDenied);
  CHECK(Check(c, "<u@other.test>").verdict == RcptVerdict::kRelayDenied);
  CHECK(Check(c, "<u@example.test.evil>").verdict == RcptVerdict::kRelayDenied);
}

TEST_CASE("smtpd relay: every open-relay trick is refused", "[smtpd]") {
  RelayConfig c = Config();
  CHECK(Check(c, "<u%other.test@example.test>").verdict == RcptVerdict::kPercentHack);
  CHECK(Check(c, "<other.test!u@example.test>").verdict == RcptVerdict::kBangPath);
  CHECK(Check(c, "<\"u@other.test\"@example.test>").verdict == RcptVerdict::kAtInLocal);
  CHECK(Check(c, "<@example.test:u@other.test>").verdict == RcptVerdict::kRelayDenied);
  CHECK(Check(c, "<u@[198.51.100.1]>").verdict == RcptVerdict::kForeignLiteral);
  CHECK(Check(c, "<u@[IPv6:2001:db8::1]>").verdict == RcptVerdict::kForeignLiteral);
  CHECK(Check(c, "<u>").verdict == RcptVerdict::kNoDomain);
}

TEST_CASE("smtpd relay: what is ours", "[smtpd]") {
  RelayConfig c = Config();
  RcptDecision lit = Check(c, "<u@[192.0.2.1]>");
  CHECK(lit.verdict == RcptVerdict::kAccept);
  CHECK(lit.address == "u@mail.example.test");
  c.local_ip = "::ffff:192.0.2.1";
  CHECK(Check(c, "<u@[192.0.2.1]>").verdict == RcptVerdict::kAccept);
  c.local_ip = "2001:db8::25";
  CHECK(Check(c, "<u@[IPv6:2001:DB8:0::25]>").verdict == RcptVerdict::kAccept);
  CHECK(Check(c, "<Postmaster>").address == "postmaster@mail.example.test");
  CHECK(Check(c, "<@other.test:u@example.test>").verdict == RcptVerdict::kAccept);
  c.percenthack = {"example.test"};
  CHECK(Check(c, "<u%other.test@example.test>").verdict == RcptVerdict::kAccept);
}

TEST_CASE("smtpd relay: RELAYCLIENT appends and relays; AUTH relays", "[smtpd]") {
  RelayConfig c = Config();
  c.relayclient = "";
  CHECK(Check(c, "<u@other.test>").address == "u@other.test");
  c.relayclient = "@relay.example";
  CHECK(Check(c, "<u@other.test>").address == "u@other.test@relay.example");
  RelayConfig a = Config();
  CHECK(Check(a, "<u@other.test>", true).verdict == RcptVerdict::kAccept);
  a.badrcptto = {"@other.test"};
  CHECK(Check(a, "<u@other.test>", true).verdict == RcptVerdict::kBadRcpt);
}

TEST_CASE("smtpd relay: morercpthosts.cdb by domain and suffix; unreadable is temporary", "[smtpd]") {
  RelayConfig c = Config();
  std::map<std::string, bool> cdb = {{"more.test", true}, {".deep.test", true}};
  c.more_rcpthosts = [&cdb](std::string_view key) -> std::optional<bool> {
    return cdb.count(std::string(key)) > 0;
  };
  CHECK(Check(c, "<u@more.test>").verdict == RcptVerdict::kAccept);
  CHECK(Check(c, "<u@a.b.deep.test>").verdict == RcptVerdict::kAccept);
  CHECK(Check(c, "<u@nope.test>").verdict == RcptVerdict::kRelayDenied);
  c.more_rcpthosts = [](std::string_view) -> std::optional<bool> { return std::nullopt; };
  CHECK(Check(c, "<u@nope.test>").verdict == RcptVerdict::kTempFail);
}

TEST_CASE("smtpd badmailfrom and badrcptto entries", "[smtpd]") {
  ms::Mailbox m{"Spam", "bad.test", false};
  CHECK(IsBadAddress({"@bad.test"}, m));
  CHECK(IsBadAddress({"spam@BAD.test"}, m));
  CHECK_FALSE(IsBadAddress({"other@bad.test", "@good.test"}, m));
  CHECK_FALSE(IsBadAddress({"@"}, ms::Mailbox{"x", "", false}));
}
