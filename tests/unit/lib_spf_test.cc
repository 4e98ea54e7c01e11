// SPF (lib/spf, spf_record, spf_macro, received_spf) and smtpd's level
// table (smtpd/spf_gate): RFC 7208's examples, every mechanism over an
// in-memory DNS, the limits, and hostile records.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "received_spf.h"
#include "smtpd/spf_gate.h"
#include "spf.h"
#include "spf_macro.h"
#include "spf_record.h"

using namespace ms::spf;
using ms::IpAddress;
using ms::dns::Status;
using ms::dns::Type;

namespace {

class FakeDns : public Resolver {
 public:
  void Txt(const std::string& name, std::vector<std::string> texts) { Put(name, Type::kTxt).texts = std::move(texts); }
  void A(const std::string& name, const std::string& ip) { Put(name, Type::kA).addresses.push_back(*IpAddress::Parse(ip)); }
  void Aaaa(const std::string& name, const std::string& ip) {
    Put(name, Type::kAaaa).addresses.push_back(*IpAddress::Parse(ip));
  }
  void Mx(const std::string& name, const std::string& host) { Put(name, Type::kMx).names.push_back(host); }
  void Ptr(const std::string& name, const std::string& host) { Put(name, Type::kPtr).names.push_back(host); }
  void Fail(const std::string& name, Type type) { answers_[{name, type}].status = Status::kTemporary; }

  Answer Query(std::string_view name, Type type) override {
    queries.emplace_back(std::string(name), type);
    auto it = answers_.find({std::string(name), type});
    if (it != answers_.end()) return it->second;
    Answer a;
    a.status = Status::kNotFound;
    return a;
  }
  std::vector<std::pair<std::string, Type>> queries;

 private:
  Answer& Put(const std::string& name, Type type) {
    Answer& a = answers_[{name, type}];
    a.status = Status::kFound;
    return a;
  }
  std::map<std::pair<std::string, Type>, Answer> answers_;
};

Outcome Run(FakeDns& dns, const std::string& ip, const std::string& sender, const std::string& helo = "mx.example.org") {
  Request r;
  r.ip = *IpAddress::Parse(ip);
  r.sender = sender;
  r.helo = helo;
  r.receiver = "mail.example.net";
  r.now = 1700000000;
  return Check(r, dns);
}

MacroValues RfcValues(const std::string& ip = "192.0.2.3") {
  MacroValues v;
  v.sender = "strong-bad@email.example.com";
  v.local_part = "strong-bad";
  v.sender_domain = "email.example.com";
  v.domain = "email.example.com";
  v.ip = *IpAddress::Parse(ip);
  v.helo = "mx.example.org";
  v.receiver = "mail.example.net";
  v.now = 1700000000;
  return v;
}

std::string Expand(const std::string& text, MacroUse use = MacroUse::kDomainSpec, const std::string& ip = "192.0.2.3") {
  std::string out, error;
  if (!ExpandMacroString(text, use, RfcValues(ip), &out, &error)) return "ERROR: " + error;
  return out;
}

}  // namespace

TEST_CASE("spf macros: the examples of RFC 7208 section 7.4", "[spf]") {
  CHECK(Expand("%{s}") == "strong-bad@email.example.com");
  CHECK(Expand("%{o}") == "email.example.com");
  CHECK(Expand("%{d}") == "email.example.com");
  CHECK(Expand("%{d4}") == "email.example.com");
  CHECK(Expand("%{d3}") == "email.example.com");
  CHECK(Expand("%{d2}") == "example.com");
  CHECK(Expand("%{d1}") == "com");
  CHECK(Expand("%{dr}") == "com.example.email");
  CHECK(Expand("%{d2r}") == "example.email");
  CHECK(Expand("%{l}") == "strong-bad");
  CHECK(Expand("%{l-}") == "strong.bad");
  CHECK(Expand("%{lr}") == "strong-bad");
  CHECK(Expand("%{lr-}") == "bad.strong");
  CHECK(Expand("%{l1r-}") == "strong");
  CHECK(Expand("%{ir}.%{v}._spf.%{d2}") == "3.2.0.192.in-addr._spf.example.com");
  CHECK(Expand("%{lr-}.lp._spf.%{d2}") == "bad.strong.lp._spf.example.com");
  CHECK(Expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}") == "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  CHECK(Expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}") == "3.2.0.192.in-addr.strong.lp._spf.example.com");
  CHECK(Expand("%{d2}.trusted-domains.example.net") == "example.com.trusted-domains.example.net");
  CHECK(Expand("%{ir}.%{v}._spf.%{d2}", MacroUse::kDomainSpec, "2001:db8::cb01") ==
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
}

TEST_CASE("spf macros: escapes, upper case, exp-only letters, delimiters", "[spf]") {
  CHECK(Expand("a%%b%_c%-d") == "a%b c%20d");
  CHECK(Expand("%{S}") == "strong-bad%40email.example.com");
  CHECK(Expand("%{h}") == "mx.example.org");
  CHECK(Expand("%{d+=}") == "email.example.com");  // no such delimiter in it
  CHECK(Expand("%{s@}") == "ERROR: malformed macro");  // @ is no delimiter (section 7.1)
  CHECK(Expand("%{l-+}") == "strong.bad");
  CHECK(Expand("%{d9999999999}") == "email.example.com");  // more parts than exist
  CHECK(Expand("%{c} at %{r} %{t}", MacroUse::kExplanation) == "192.0.2.3 at mail.example.net 1700000000");
  CHECK(Expand("%{c}", MacroUse::kExplanation, "2001:db8::cb01") == "2001:db8::cb01");
  CHECK(Expand("%{p}") == "unknown");
  std::string error;
  for (const char* bad : {"%{c}", "%{r}", "%{t}", "%{x}", "%{d0}", "%", "a%", "%a", "%{d", "%{}", "%{dr0}", "a b",
                          "%{d2r9}", "\x01"}) {
    INFO(bad);
    CHECK_FALSE(CheckMacroString(bad, MacroUse::kDomainSpec, &error));
    CHECK(Expand(bad).rfind("ERROR: ", 0) == 0);
  }
  CHECK(CheckMacroString("%{c} %{r} %{t} words with spaces", MacroUse::kExplanation, &error));
}

TEST_CASE("spf macros: abuse stays bounded", "[spf][hostile]") {
  std::string many;
  while (many.size() < 10240) many += "%{s}";  // 2,560 copies of the sender
  std::string out, error;
  CHECK(CheckMacroString(many, MacroUse::kDomainSpec, &error));
  CHECK_FALSE(ExpandMacroString(many, MacroUse::kDomainSpec, RfcValues(), &out, &error));
  CHECK(error == "macro expansion too long");
  // 10 KB of labels is cut to its rightmost 253 octets of whole labels.
  std::string labels;
  while (labels.size() < 10240) labels += "abcdefghi.";
  labels += "example.com";
  std::string cut = TruncateDomain(labels);
  CHECK(cut.size() <= 253);
  CHECK(cut.size() > 240);
  CHECK(cut.substr(cut.size() - 11) == "example.com");
  CHECK(TruncateDomain(std::string(300, 'x')).empty());  // one label too long: nothing left
}

TEST_CASE("spf record: what is a version 1 record", "[spf]") {
  CHECK(IsSpfRecordText("v=spf1"));
  CHECK(IsSpfRecordText("v=spf1 -all"));
  CHECK(IsSpfRecordText("V=SPF1 -all"));
  CHECK_FALSE(IsSpfRecordText("v=spf10 -all"));
  CHECK_FALSE(IsSpfRecordText("v=spf1-all"));
  CHECK_FALSE(IsSpfRecordText(" v=spf1 -all"));
  CHECK_FALSE(IsSpfRecordText("spf2.0/pra -all"));
}

TEST_CASE("spf record: the terms parsed", "[spf]") {
  Record r;
  std::string error;
  REQUIRE(ParseRecord("v=spf1  +a -mx:%{d}/24//64 ~ptr:example.org ?ip4:192.0.2.0/24 ip6:2001:db8::/32 "
                      "include:_spf.example.com exists:%{i}.bl.example.com all redirect=example.net "
                      "exp=why.%{d} unknown-mod=x.%{d}",
                      &r, &error));
  REQUIRE(r.mechanisms.size() == 8);
  CHECK(r.mechanisms[0].kind == MechanismKind::kA);
  CHECK(r.mechanisms[0].domain_spec.empty());
  CHECK(r.mechanisms[1].qualifier == Qualifier::kFail);
  CHECK(r.mechanisms[1].domain_spec == "%{d}");
  CHECK(r.mechanisms[1].cidr4 == 24);
  CHECK(r.mechanisms[1].cidr6 == 64);
  CHECK(r.mechanisms[2].qualifier == Qualifier::kSoftFail);
  CHECK(r.mechanisms[2].kind == MechanismKind::kPtr);
  CHECK(r.mechanisms[3].cidr4 == 24);
  CHECK(r.mechanisms[4].cidr6 == 32);
  CHECK(r.mechanisms[5].kind == MechanismKind::kInclude);
  CHECK(r.mechanisms[6].kind == MechanismKind::kExists);
  CHECK(r.mechanisms[7].kind == MechanismKind::kAll);
  CHECK(r.redirect == "example.net");
  CHECK(r.exp == "why.%{d}");
  REQUIRE(ParseRecord("v=spf1 mx:%%%_/.Clara.de/27", &r, &error));
  CHECK(r.mechanisms[0].domain_spec == "%%%_/.Clara.de");
  CHECK(r.mechanisms[0].cidr4 == 27);
  REQUIRE(ParseRecord("v=spf1 a//64 mx/0", &r, &error));
  CHECK(r.mechanisms[0].cidr6 == 64);
  CHECK(r.mechanisms[1].cidr4 == 0);
}

TEST_CASE("spf record: syntax errors are permerrors", "[spf][hostile]") {
  Record r;
  std::string error;
  for (const char* bad : {
           "v=spf1 ip4:192.0.2.0/33", "v=spf1 ip4:192.0.2.0/024", "v=spf1 ip4:1.2.3", "v=spf1 ip4:1.2.3.256",
           "v=spf1 ip4:192.0.02.1", "v=spf1 ip4:192.0.2.1//24", "v=spf1 ip6:2001:db8::/129", "v=spf1 ip6:192.0.2.1",
           "v=spf1 ip6:2001:db8::/", "v=spf1 a/33", "v=spf1 mx//129", "v=spf1 a:", "v=spf1 a:example",
           "v=spf1 a:1.2.3.4", "v=spf1 a:example.com-", "v=spf1 include", "v=spf1 include:", "v=spf1 exists",
           "v=spf1 -all:foo", "v=spf1 allx", "v=spf1 foo", "v=spf1 +-all", "v=spf1 redirect=a.test redirect=b.test",
           "v=spf1 exp=a.test exp=b.test", "v=spf1 redirect=", "v=spf1 a:%{x}.test", "v=spf1 a:%{c}.test",
           "v=spf1 exists:%{d", "v=spf1 ptr/24", "v=spf1 ip4", "v=spf1 x=%", "v=spf1 -all\t", "v=spf1 a:exa mple.com",
           "v=spf1 ip4:192.0.2.1/-1", "v=spf1 mx:example.com/24//"}) {
    INFO(bad);
    CHECK_FALSE(ParseRecord(bad, &r, &error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("spf check: mechanisms over DNS, IPv4 and IPv6", "[spf]") {
  FakeDns dns;
  dns.Txt("example.com", {"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:1::/48 a:web.example.com/30 mx//64 "
                          "include:partner.example exists:%{ir}.allow.example.com ptr:trusted.example -all"});
  dns.A("web.example.com", "198.51.100.1");
  dns.Aaaa("web.example.com", "2001:db8:4::1");
  dns.A("mx1.example.com", "198.51.100.250");  // no void lookups on the way to ptr
  dns.Mx("example.com", "mx1.example.com");
  dns.Aaaa("mx1.example.com", "2001:db8:2::25");
  dns.Txt("partner.example", {"v=spf1 ip4:203.0.113.0/28 -all"});
  dns.A("9.0.0.10.allow.example.com", "127.0.0.2");
  dns.Ptr("5.4.3.172.in-addr.arpa", "host.trusted.example");
  dns.A("host.trusted.example", "172.3.4.5");

  auto result = [&](const char* ip) { return Run(dns, ip, "joe@example.com").result; };
  CHECK(result("192.0.2.200") == Result::kPass);
  CHECK(result("2001:db8:1:ff::1") == Result::kPass);
  CHECK(result("198.51.100.3") == Result::kPass);   // a/30
  CHECK(result("198.51.100.4") == Result::kFail);
  CHECK(result("2001:db8:2::ffff") == Result::kPass);  // mx//64
  CHECK(result("2001:db8:3::1") == Result::kFail);
  CHECK(result("203.0.113.15") == Result::kPass);  // include
  CHECK(result("203.0.113.16") == Result::kFail);
  CHECK(result("10.0.0.9") == Result::kPass);  // exists %{ir}
  CHECK(result("172.3.4.5") == Result::kPass);  // ptr, validated
  CHECK(result("::ffff:192.0.2.7") == Result::kPass);  // v4-mapped counts as IPv4
  Outcome o = Run(dns, "192.0.2.200", "joe@example.com");
  CHECK(o.mechanism == "ip4:192.0.2.0/24");
  CHECK(o.identity == "mailfrom");
}

TEST_CASE("spf check: results none, neutral, softfail and qualifiers", "[spf]") {
  FakeDns dns;
  dns.Txt("none.example", {"something else"});
  dns.Txt("neutral.example", {"v=spf1 ip4:192.0.2.1"});
  dns.Txt("soft.example", {"v=spf1 ~all"});
  dns.Txt("q.example", {"v=spf1 ?ip4:192.0.2.0/24 +all"});
  CHECK(Run(dns, "192.0.2.9", "a@none.example").result == Result::kNone);
  CHECK(Run(dns, "192.0.2.9", "a@nxdomain.example").result == Result::kNone);
  CHECK(Run(dns, "192.0.2.9", "a@neutral.example").result == Result::kNeutral);  // no match, no all
  CHECK(Run(dns, "192.0.2.9", "a@soft.example").result == Result::kSoftFail);
  CHECK(Run(dns, "192.0.2.9", "a@q.example").result == Result::kNeutral);
  CHECK(Run(dns, "10.0.0.1", "a@q.example").result == Result::kPass);
  CHECK(Run(dns, "192.0.2.9", "a@single-label").result == Result::kNone);  // not a multi-label domain
  CHECK(Run(dns, "192.0.2.9", "a@bad..example").result == Result::kNone);
}

TEST_CASE("spf check: the HELO identity for the null sender", "[spf]") {
  FakeDns dns;
  dns.Txt("mx.example.org", {"v=spf1 a -all"});
  dns.A("mx.example.org", "192.0.2.25");
  Outcome o = Run(dns, "192.0.2.25", "", "mx.example.org");
  CHECK(o.result == Result::kPass);
  CHECK(o.identity == "helo");
  CHECK(o.checked == "postmaster@mx.example.org");
  CHECK(Run(dns, "192.0.2.26", "", "mx.example.org").result == Result::kFail);
  size_t before = dns.queries.size();
  CHECK(Run(dns, "192.0.2.26", "", "[192.0.2.26]").result == Result::kNone);
  CHECK(Run(dns, "192.0.2.26", "", "192.0.2.26").result == Result::kNone);
  CHECK(Run(dns, "192.0.2.26", "", "[IPv6:2001:db8::1]").result == Result::kNone);
  CHECK(dns.queries.size() == before);  // nothing to look up
  // An empty local part is postmaster (section 4.3).
  dns.Txt("l.example", {"v=spf1 exists:%{l}.users.l.example -all"});
  dns.A("postmaster.users.l.example", "127.0.0.2");
  CHECK(Run(dns, "192.0.2.1", "@l.example").result == Result::kPass);
}

TEST_CASE("spf check: redirect= and exp=", "[spf]") {
  FakeDns dns;
  dns.Txt("a.example", {"v=spf1 ip4:192.0.2.1 redirect=b.example exp=why.a.example"});
  dns.Txt("b.example", {"v=spf1 ip4:192.0.2.2 -all exp=why.b.example"});
  dns.Txt("why.b.example", {"%{i} is not one of %{d}'s servers (%{c} via %{r})"});
  dns.Txt("c.example", {"v=spf1 -all redirect=b.example exp=why.c.example"});
  dns.Txt("why.c.example", {"no mail from %{i} for %{s}"});
  dns.Txt("d.example", {"v=spf1 redirect=nowhere.example"});
  dns.Txt("e.example", {"v=spf1 -all exp=bad.example"});
  dns.Txt("bad.example", {"%{x}"});
  CHECK(Run(dns, "192.0.2.1", "x@a.example").result == Result::kPass);
  CHECK(Run(dns, "192.0.2.2", "x@a.example").result == Result::kPass);
  Outcome o = Run(dns, "192.0.2.3", "x@a.example");
  CHECK(o.result == Result::kFail);
  // the redirect target's exp= is the one that counts (section 6.1)
  CHECK(o.explanation == "192.0.2.3 is not one of b.example's servers (192.0.2.3 via mail.example.net)");
  o = Run(dns, "192.0.2.2", "x@c.example");  // all matched: redirect= not used
  CHECK(o.result == Result::kFail);
  CHECK(o.explanation == "no mail from 192.0.2.2 for x@c.example");
  CHECK(Run(dns, "192.0.2.2", "x@d.example").result == Result::kPermError);  // redirect to none
  o = Run(dns, "192.0.2.2", "x@e.example");  // a broken explanation is no explanation
  CHECK(o.result == Result::kFail);
  CHECK(o.explanation.empty());
}

TEST_CASE("spf check: include results", "[spf]") {
  FakeDns dns;
  dns.Txt("top.example", {"v=spf1 include:fail.example include:temp.example -all"});
  dns.Txt("fail.example", {"v=spf1 -all"});
  dns.Fail("temp.example", Type::kTxt);
  dns.Txt("none.example", {"v=spf1 include:nothing.example -all"});
  dns.Txt("perm.example", {"v=spf1 include:broken.example -all"});
  dns.Txt("broken.example", {"v=spf1 ip4:300.1.1.1"});
  CHECK(Run(dns, "192.0.2.1", "x@top.example").result == Result::kTempError);
  CHECK(Run(dns, "192.0.2.1", "x@none.example").result == Result::kPermError);
  CHECK(Run(dns, "192.0.2.1", "x@perm.example").result == Result::kPermError);
  dns.Fail("down.example", Type::kTxt);
  Outcome o = Run(dns, "192.0.2.1", "x@down.example");
  CHECK(o.result == Result::kTempError);
  CHECK_FALSE(o.problem.empty());
}

TEST_CASE("spf check: an include loop ends at the lookup limit", "[spf][hostile]") {
  FakeDns dns;
  dns.Txt("loop.example", {"v=spf1 include:loop.example -all"});
  dns.Txt("ping.example", {"v=spf1 include:pong.example"});
  dns.Txt("pong.example", {"v=spf1 include:ping.example"});
  Outcome o = Run(dns, "192.0.2.1", "x@loop.example");
  CHECK(o.result == Result::kPermError);
  CHECK(o.lookups == 11);
  CHECK(dns.queries.size() == 11);
  CHECK(Run(dns, "192.0.2.1", "x@ping.example").result == Result::kPermError);
  dns.Txt("self.example", {"v=spf1 redirect=self.example"});
  CHECK(Run(dns, "192.0.2.1", "x@self.example").result == Result::kPermError);
}

TEST_CASE("spf check: ten DNS-querying terms are allowed, eleven are not", "[spf][hostile]") {
  FakeDns dns;
  std::string ten = "v=spf1", eleven;
  for (int i = 0; i < 10; ++i) {
    std::string host = "h" + std::to_string(i) + ".example";
    dns.A(host, "198.51.100." + std::to_string(i));
    ten += " a:" + host;
  }
  eleven = ten + " a:h0.example";
  dns.Txt("ten.example", {ten + " -all"});
  dns.Txt("eleven.example", {eleven + " -all"});
  dns.Txt("eleven-ip.example", {eleven + " ip4:192.0.2.1 -all"});
  CHECK(Run(dns, "192.0.2.1", "x@ten.example").result == Result::kFail);
  CHECK(Run(dns, "198.51.100.9", "x@ten.example").result == Result::kPass);
  CHECK(Run(dns, "192.0.2.1", "x@eleven.example").result == Result::kPermError);
  CHECK(Run(dns, "192.0.2.1", "x@eleven-ip.example").result == Result::kPermError);
  CHECK(Run(dns, "198.51.100.0", "x@eleven.example").result == Result::kPass);  // matched before the 11th
  // a redirect counts when it is followed
  dns.Txt("r.example", {ten + " redirect=ten.example"});
  CHECK(Run(dns, "192.0.2.1", "x@r.example").result == Result::kPermError);
  CHECK(Run(dns, "198.51.100.3", "x@r.example").result == Result::kPass);
}

TEST_CASE("spf check: two void lookups are allowed, three are not", "[spf][hostile]") {
  FakeDns dns;
  dns.Txt("two.example", {"v=spf1 a:nx1.example mx:nx2.example ip4:192.0.2.1 -all"});
  dns.Txt("three.example", {"v=spf1 a:nx1.example mx:nx2.example exists:nx3.example ip4:192.0.2.1 -all"});
  CHECK(Run(dns, "192.0.2.1", "x@two.example").result == Result::kPass);
  Outcome o = Run(dns, "192.0.2.1", "x@three.example");
  CHECK(o.result == Result::kPermError);
  CHECK(o.problem == "more than 2 void DNS lookups");
}

TEST_CASE("spf check: MX and PTR name limits", "[spf][hostile]") {
  FakeDns dns;
  dns.Txt("mx10.example", {"v=spf1 mx -all"});
  dns.Txt("mx11.example", {"v=spf1 mx -all"});
  for (int i = 0; i < 11; ++i) {
    std::string host = "mx" + std::to_string(i) + ".hosts.example";
    dns.A(host, "198.51.100." + std::to_string(i));
    if (i < 10) dns.Mx("mx10.example", host);
    dns.Mx("mx11.example", host);
  }
  CHECK(Run(dns, "198.51.100.9", "x@mx10.example").result == Result::kPass);
  CHECK(Run(dns, "198.51.100.9", "x@mx11.example").result == Result::kPermError);
  // PTR: only the first 10 names are looked at
  dns.Txt("ptr.example", {"v=spf1 ptr -all"});
  for (int i = 0; i < 12; ++i) {
    std::string host = "n" + std::to_string(i) + ".ptr.example";
    dns.Ptr("7.2.0.192.in-addr.arpa", host);
    if (i == 11) dns.A(host, "192.0.2.7");
  }
  dns.Ptr("8.2.0.192.in-addr.arpa", "good.ptr.example");
  dns.A("good.ptr.example", "192.0.2.8");
  dns.Ptr("9.2.0.192.in-addr.arpa", "liar.ptr.example");  // its A is another address: not validated
  dns.A("liar.ptr.example", "192.0.2.99");
  CHECK(Run(dns, "192.0.2.8", "x@ptr.example").result == Result::kPass);
  CHECK(Run(dns, "192.0.2.7", "x@ptr.example").result == Result::kPermError);  // 10 names, 10 void lookups
  CHECK(Run(dns, "192.0.2.9", "x@ptr.example").result == Result::kFail);
  // a DNS failure in ptr is no match, not temperror (section 5.5)
  dns.Fail("10.2.0.192.in-addr.arpa", Type::kPtr);
  CHECK(Run(dns, "192.0.2.10", "x@ptr.example").result == Result::kFail);
}

TEST_CASE("spf check: multiple records and broken records", "[spf][hostile]") {
  FakeDns dns;
  dns.Txt("two.example", {"v=spf1 +all", "v=spf1 -all"});
  dns.Txt("other.example", {"v=spf1 +all", "v=spf10 -all", "google-site-verification=x"});
  dns.Txt("cidr.example", {"v=spf1 ip4:192.0.2.0/33 +all"});
  dns.Txt("late.example", {"v=spf1 +all foo"});  // the error after the match still counts
  CHECK(Run(dns, "192.0.2.1", "x@two.example").result == Result::kPermError);
  CHECK(Run(dns, "192.0.2.1", "x@other.example").result == Result::kPass);
  CHECK(Run(dns, "192.0.2.1", "x@cidr.example").result == Result::kPermError);
  CHECK(Run(dns, "192.0.2.1", "x@late.example").result == Result::kPermError);
}

TEST_CASE("spf check: a record expanding to 10 KB is bounded", "[spf][hostile]") {
  FakeDns dns;
  std::string record = "v=spf1";
  while (record.size() < 10240) record += " exists:%{s}.%{l}.%{o}.%{d}.%{i}.%{h}";
  dns.Txt("big.example", {record + " -all"});
  Outcome o = Run(dns, "192.0.2.1", std::string(60, 'l') + "@big.example");
  CHECK(o.result == Result::kPermError);  // the 11th exists
  for (const auto& q : dns.queries) CHECK(q.first.size() <= 253);
  std::string huge = "v=spf1 exists:";
  while (huge.size() < 12000) huge += "%{s}";
  dns.Txt("huge.example", {huge + ".example -all"});
  o = Run(dns, "192.0.2.1", std::string(60, 'l') + "@huge.example");
  CHECK(o.result == Result::kPermError);
  CHECK(o.problem == "macro expansion too long");
}

TEST_CASE("spf check: temperror on DNS failure of the record or a mechanism", "[spf]") {
  FakeDns dns;
  dns.Fail("down.example", Type::kTxt);
  dns.Txt("a.example", {"v=spf1 a:slow.example -all"});
  dns.Fail("slow.example", Type::kA);
  CHECK(Run(dns, "192.0.2.1", "x@down.example").result == Result::kTempError);
  CHECK(Run(dns, "192.0.2.1", "x@a.example").result == Result::kTempError);
}

TEST_CASE("received-spf: the field of RFC 7208 9.1, hostile values quoted", "[spf]") {
  FakeDns dns;
  dns.Txt("example.com", {"v=spf1 ip4:192.0.2.0/24 -all"});
  Request r;
  r.ip = *IpAddress::Parse("192.0.2.1");
  r.sender = "joe@example.com";
  r.helo = "evil\r\nX-Injected: yes \"(\\";
  r.receiver = "mail.example.net";
  Outcome o = Check(r, dns);
  std::string field = ReceivedSpfField(o, r);
  CHECK(field.rfind("Received-SPF: pass (mail.example.net: domain of joe@example.com designates 192.0.2.1 as "
                    "permitted sender)\n\tclient-ip=192.0.2.1; envelope-from=\"joe@example.com\"; ",
                    0) == 0);
  CHECK(field.find("helo=\"evil??X-Injected: yes \\\"(\\\\\";") != std::string::npos);
  CHECK(field.find("identity=mailfrom;") != std::string::npos);
  CHECK(field.find("mechanism=\"ip4:192.0.2.0/24\";") != std::string::npos);
  CHECK(field.back() == '\n');
  for (size_t i = 0; i + 1 < field.size(); ++i)
    if (field[i] == '\n') CHECK(field[i + 1] == '\t');
  r.sender.clear();
  r.helo = "mx.example.com";
  dns.Txt("mx.example.com", {"v=spf1 ip4:192.0.2.0/24 ~all"});
  field = ReceivedSpfField(Check(r, dns), r);
  CHECK(field.find("envelope-from=\"\"; helo=mx.example.com;") != std::string::npos);
  CHECK(field.find("identity=helo;") != std::string::npos);
}

TEST_CASE("smtpd spfbehavior: which results each level refuses", "[spf][smtpd]") {
  using ms::smtpd::SpfRefusal;
  const Result all[] = {Result::kPass, Result::kNeutral, Result::kSoftFail, Result::kFail,
                        Result::kNone, Result::kPermError, Result::kTempError};
  for (long level = 0; level <= 6; ++level) {
    for (Result r : all) {
      std::string reply = SpfRefusal(level, r, "");
      INFO(level << " " << ResultName(r) << " " << reply);
      bool refused = !reply.empty();
      bool expected = (r == Result::kTempError && level >= 2) || (r == Result::kFail && level >= 3) ||
                      (r == Result::kSoftFail && level >= 4) || (r == Result::kNeutral && level >= 5) ||
                      ((r == Result::kNone || r == Result::kPermError) && level >= 6);
      CHECK(refused == expected);
      if (refused && r == Result::kTempError) CHECK(reply.rfind("451 4.7.24 ", 0) == 0);
      if (refused && r == Result::kPermError) CHECK(reply.rfind("550 5.7.24 ", 0) == 0);
      if (refused && r != Result::kTempError && r != Result::kPermError) CHECK(reply.rfind("550 5.7.23 ", 0) == 0);
    }
  }
  CHECK(SpfRefusal(3, Result::kFail, "see https://example.com/spf") == "550 5.7.23 SPF fail: see https://example.com/spf");
}
