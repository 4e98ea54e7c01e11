#include <catch2/catch.hpp>

#include <map>

#include "dmarc.h"
#include "public_suffix.h"

using ms::PublicSuffixList;
namespace dmarc = ms::dmarc;

namespace {

const char* kSmallList =
    "// ===BEGIN ICANN DOMAINS===\n"
    "com\nuk\nco.uk\njp\n*.kobe.jp\n!city.kobe.jp\nck\n*.ck\n!www.ck\n"
    "blogspot.com  trailing words are ignored\n";

// A DNS stand-in: name -> TXT texts; names listed in `temporary` fail.
struct FakeDns {
  std::map<std::string, std::vector<std::string>> txt;
  std::vector<std::string> temporary;
  std::vector<std::string> asked;
  dmarc::TxtLookup Lookup() {
    return [this](const std::string& name) {
      asked.push_back(name);
      ms::dkim::TxtAnswer answer;
      for (const auto& t : temporary)
        if (t == name) answer.status = ms::dns::Status::kTemporary;
      auto it = txt.find(name);
      if (answer.status == ms::dns::Status::kTemporary || it == txt.end()) return answer;
      answer.records = it->second;
      answer.status = ms::dns::Status::kFound;
      return answer;
    };
  }
};

}  // namespace

TEST_CASE("public suffix list: normal, wildcard and exception rules", "[lib][dmarc]") {
  PublicSuffixList psl = PublicSuffixList::Parse(kSmallList);
  CHECK(psl.OrganizationalDomain("mail.example.com") == "example.com");
  CHECK(psl.OrganizationalDomain("Mail.Example.CO.UK.") == "example.co.uk");
  CHECK(psl.OrganizationalDomain("co.uk") == "co.uk");  // a suffix itself
  CHECK(psl.OrganizationalDomain("a.b.c.kobe.jp") == "b.c.kobe.jp");  // *.kobe.jp
  CHECK(psl.OrganizationalDomain("www.city.kobe.jp") == "city.kobe.jp");  // !city.kobe.jp
  CHECK(psl.OrganizationalDomain("www.ck") == "www.ck");
  CHECK(psl.OrganizationalDomain("x.y.ck") == "x.y.ck");
  CHECK(psl.OrganizationalDomain("a.x.y.ck") == "x.y.ck");
  CHECK(psl.OrganizationalDomain("me.blogspot.com") == "me.blogspot.com");
  CHECK(psl.OrganizationalDomain("a.b.example") == "b.example");  // implicit "*"
  CHECK(psl.OrganizationalDomain("localhost") == "localhost");
  CHECK(psl.OrganizationalDomain("") == "");
}

TEST_CASE("public suffix list: Debian's file", "[lib][dmarc]") {
  auto psl = PublicSuffixList::Load();
  REQUIRE(psl);
  CHECK(psl->rules() > 5000);
  CHECK(psl->OrganizationalDomain("news.bbc.co.uk") == "bbc.co.uk");
  CHECK(psl->OrganizationalDomain("a.b.example.com") == "example.com");
  CHECK_FALSE(PublicSuffixList::Load("/nonexistent/psl"));
}

TEST_CASE("DMARC record syntax", "[lib][dmarc]") {
  auto r = dmarc::ParseRecord("v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r; rua=mailto:a@b.example");
  REQUIRE(r);
  CHECK(r->policy == dmarc::Policy::kReject);
  CHECK(r->subdomain_policy == dmarc::Policy::kQuarantine);
  CHECK(r->percent == 50);
  CHECK(r->dkim_alignment == dmarc::Alignment::kStrict);
  CHECK(r->spf_alignment == dmarc::Alignment::kRelaxed);
  CHECK(dmarc::ParseRecord("v=DMARC1;p=none")->policy == dmarc::Policy::kNone);
  CHECK(dmarc::ParseRecord("v=DMARC1 ; p = quarantine ;")->policy == dmarc::Policy::kQuarantine);
  // A bad p= with a valid rua= reads as p=none (RFC 7489 6.6.3 step 6).
  CHECK(dmarc::ParseRecord("v=DMARC1; p=bogus; rua=mailto:r@x.example")->policy == dmarc::Policy::kNone);
  for (const char* bad : {"", "p=reject; v=DMARC1", "v=DMARC2; p=reject", "v=DMARC1; p=bogus", "v=DMARC1",
                          "v=DMARC1; p=reject; p=none", "v=DMARC1; p=reject; pct=101", "v=DMARC1; p=reject; pct=-1",
                          "v=DMARC1; p=reject; adkim=x", "v=DMARC1; p=reject; garbage", "v=DMARC1; p=reject; 9x=1",
                          "v=DMARC1; p=reject; sp=maybe"})
    CHECK_FALSE(dmarc::ParseRecord(bad));
  std::string huge = "v=DMARC1; p=reject; " + std::string(1 << 20, 'x') + "=1";
  CHECK(dmarc::ParseRecord(huge));  // unknown tags are ignored, however long
}

TEST_CASE("the From: domain, one mailbox only", "[lib][dmarc]") {
  CHECK(*dmarc::FromDomain("Alice <alice@Example.COM>") == "example.com");
  CHECK(*dmarc::FromDomain(" bob@example.org (Bob, \"the builder\")") == "example.org");
  CHECK(*dmarc::FromDomain("\"Doe, John\" <john@example.net>") == "example.net");
  CHECK(*dmarc::FromDomain("\"a@evil.example\" <x@good.example>") == "good.example");
  CHECK_FALSE(dmarc::FromDomain("a@one.example, b@two.example"));
  CHECK_FALSE(dmarc::FromDomain(""));
  CHECK_FALSE(dmarc::FromDomain("Alice <alice>"));
  CHECK_FALSE(dmarc::FromDomain("(just a comment)"));
}

TEST_CASE("DMARC evaluation: alignment, discovery, pct", "[lib][dmarc]") {
  PublicSuffixList psl = PublicSuffixList::Parse(kSmallList);
  FakeDns dns;
  dns.txt["_dmarc.example.com"] = {"v=spf1 -all", "v=DMARC1; p=reject; sp=quarantine; pct=100"};
  dns.txt["_dmarc.strict.com"] = {"v=DMARC1; p=reject; adkim=s; aspf=s"};
  dmarc::Identifiers ids;
  ids.from_domain = "example.com";

  ids.spf_result = "pass";
  ids.spf_domain = "bounces.example.com";  // relaxed: same Organizational Domain
  auto e = dmarc::Evaluate(ids, psl, dns.Lookup(), 0);
  CHECK(e.outcome == dmarc::Outcome::kPass);

  ids.spf_domain = "example.net";
  ids.dkim_passed = {"other.example", "mail.example.com"};
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 0).outcome == dmarc::Outcome::kPass);

  ids.dkim_passed = {"other.example"};
  e = dmarc::Evaluate(ids, psl, dns.Lookup(), 0);
  CHECK(e.outcome == dmarc::Outcome::kFail);
  CHECK(e.published == dmarc::Policy::kReject);
  CHECK(e.disposition == dmarc::Policy::kReject);

  // A subdomain without its own record takes sp= from the Organizational Domain.
  dns.asked.clear();
  ids.from_domain = "news.example.com";
  e = dmarc::Evaluate(ids, psl, dns.Lookup(), 0);
  CHECK(dns.asked == std::vector<std::string>{"_dmarc.news.example.com", "_dmarc.example.com"});
  CHECK(e.outcome == dmarc::Outcome::kFail);
  CHECK(e.published == dmarc::Policy::kQuarantine);
  CHECK(e.record_domain == "example.com");

  // Strict alignment: the organisation is not enough.
  ids.from_domain = "strict.com";
  ids.dkim_passed = {"mail.strict.com"};
  ids.spf_domain = "strict.com";
  ids.spf_result = "softfail";
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 0).outcome == dmarc::Outcome::kFail);
  ids.dkim_passed = {"STRICT.com"};
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 0).outcome == dmarc::Outcome::kPass);

  // pct=: outside the sample the next milder policy applies.
  dns.txt["_dmarc.sampled.com"] = {"v=DMARC1; p=reject; pct=20"};
  ids = {};
  ids.from_domain = "sampled.com";
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 19).disposition == dmarc::Policy::kReject);
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 20).disposition == dmarc::Policy::kQuarantine);

  // No record, several records, a temporary failure.
  ids.from_domain = "nothing.com";
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 0).outcome == dmarc::Outcome::kNone);
  dns.txt["_dmarc.twice.com"] = {"v=DMARC1; p=reject", "v=DMARC1; p=none"};
  ids.from_domain = "twice.com";
  e = dmarc::Evaluate(ids, psl, dns.Lookup(), 0);
  CHECK(e.outcome == dmarc::Outcome::kNone);
  CHECK(e.reason.find("more than one") != std::string::npos);
  dns.temporary = {"_dmarc.flaky.com"};
  ids.from_domain = "flaky.com";
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 0).outcome == dmarc::Outcome::kTempError);
  ids.from_domain = "";
  CHECK(dmarc::Evaluate(ids, psl, dns.Lookup(), 0).outcome == dmarc::Outcome::kPermError);
}
