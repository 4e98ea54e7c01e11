// The public suffix list with internationalised names: the file's U-label
// rules match A-label domains (the form smtpd and DKIM d= give), U-label
// domains are converted before the lookup, and DMARC finds _dmarc of an
// IDN From: domain at its Organizational Domain.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "dmarc.h"
#include "public_suffix.h"

using ms::PublicSuffixList;
namespace dmarc = ms::dmarc;

TEST_CASE("public suffix list: Debian's file with U-label rules", "[lib][dmarc][idn]") {
  auto psl = PublicSuffixList::Load();
  REQUIRE(psl);
  // 公司 (xn--55qx5d) is a TLD; 公司.cn and 公司.香港 are second-level rules
  // that a domain only meets through the conversion.
  CHECK(psl->OrganizationalDomain("mail.example.xn--55qx5d") == "example.xn--55qx5d");
  CHECK(psl->OrganizationalDomain("mail.example.公司") == "example.xn--55qx5d");
  CHECK(psl->OrganizationalDomain("xn--55qx5d") == "xn--55qx5d");
  CHECK(psl->OrganizationalDomain("a.b.xn--55qx5d.cn") == "b.xn--55qx5d.cn");
  CHECK(psl->OrganizationalDomain("a.b.公司.cn") == "b.xn--55qx5d.cn");
  CHECK(psl->OrganizationalDomain("A.B.公司.CN.") == "b.xn--55qx5d.cn");
  CHECK(psl->OrganizationalDomain("xn--55qx5d.cn") == "xn--55qx5d.cn");  // a suffix itself
  CHECK(psl->OrganizationalDomain("www.shop.xn--55qx5d.xn--j6w193g") == "shop.xn--55qx5d.xn--j6w193g");
  CHECK(psl->OrganizationalDomain("www.shop.公司.香港") == "shop.xn--55qx5d.xn--j6w193g");
  // ASCII rules are unchanged: *.bd, !www.ck, co.uk
  CHECK(psl->OrganizationalDomain("www.example.com.bd") == "example.com.bd");
  CHECK(psl->OrganizationalDomain("a.www.ck") == "www.ck");
  CHECK(psl->OrganizationalDomain("news.bbc.co.uk") == "bbc.co.uk");
  // Every rule of Debian's list has an A-label form.
  CHECK(psl->skipped_rules() == 0);
}

TEST_CASE("public suffix list: hand-written IDN rules", "[lib][dmarc][idn]") {
  PublicSuffixList psl = PublicSuffixList::Parse(
      "cn\n公司.cn\njp\n*.例え.jp\n!city.例え.jp\n"
      "ελ\n*.ΕΛ\n!www.ελ\n"
      "\xff\xfe.bad\n"        // not UTF-8: skipped
      "a\xcc.bad\n"           // a truncated sequence: skipped
      "xn--55qx5d.test\n");   // an A-label rule is taken as written
  CHECK(psl.skipped_rules() == 2);
  CHECK(psl.rules() == 9);
  CHECK(psl.OrganizationalDomain("a.b.公司.cn") == "b.xn--55qx5d.cn");
  CHECK(psl.OrganizationalDomain("a.b.xn--55qx5d.cn") == "b.xn--55qx5d.cn");
  // wildcard *.例え.jp: any one label in front is part of the suffix
  CHECK(psl.OrganizationalDomain("mail.shop.tokyo.例え.jp") == "shop.tokyo.xn--r8jz45g.jp");
  CHECK(psl.OrganizationalDomain("mail.shop.tokyo.xn--r8jz45g.jp") == "shop.tokyo.xn--r8jz45g.jp");
  CHECK(psl.OrganizationalDomain("tokyo.xn--r8jz45g.jp") == "tokyo.xn--r8jz45g.jp");  // a suffix
  // exception !city.例え.jp: city.例え.jp is a registrable domain
  CHECK(psl.OrganizationalDomain("www.city.例え.jp") == "city.xn--r8jz45g.jp");
  CHECK(psl.OrganizationalDomain("www.city.xn--r8jz45g.jp") == "city.xn--r8jz45g.jp");
  // the rule's upper-case Greek is mapped (UTS #46) as the domain's is
  CHECK(psl.OrganizationalDomain("a.b.c.ελ") == "b.c.xn--qxam");
  CHECK(psl.OrganizationalDomain("a.www.ΕΛ") == "www.xn--qxam");
  CHECK(psl.OrganizationalDomain("mail.example.xn--55qx5d.test") == "example.xn--55qx5d.test");
  CHECK(psl.OrganizationalDomain("mail.example.公司.test") == "example.xn--55qx5d.test");
  // a domain with no A-label form is compared as written, and matches no IDN rule
  CHECK(psl.OrganizationalDomain("a.b.\xff.cn") == "\xff.cn");
}

TEST_CASE("DMARC: an IDN From: domain finds _dmarc at its Organizational Domain", "[lib][dmarc][idn]") {
  auto psl = PublicSuffixList::Load();
  REQUIRE(psl);
  std::map<std::string, std::vector<std::string>> txt{
      {"_dmarc.example.xn--55qx5d.cn", {"v=DMARC1; p=reject; sp=quarantine"}}};
  std::vector<std::string> asked;
  dmarc::TxtLookup lookup = [&](const std::string& name) {
    asked.push_back(name);
    ms::dkim::TxtAnswer answer;
    auto it = txt.find(name);
    if (it != txt.end()) {
      answer.records = it->second;
      answer.status = ms::dns::Status::kFound;
    }
    return answer;
  };
  dmarc::Identifiers ids;
  ids.from_domain = "news.example.公司.cn";  // an SMTPUTF8 message's From:
  ids.dkim_passed = {"other.example"};
  auto e = dmarc::Evaluate(ids, *psl, lookup, 0);
  CHECK(asked == std::vector<std::string>{"_dmarc.news.example.xn--55qx5d.cn", "_dmarc.example.xn--55qx5d.cn"});
  CHECK(e.record_domain == "example.xn--55qx5d.cn");
  CHECK(e.outcome == dmarc::Outcome::kFail);
  CHECK(e.published == dmarc::Policy::kQuarantine);  // sp= for a subdomain
  // d= is always A-labels; relaxed alignment with the U-label From: holds
  ids.dkim_passed = {"mail.example.xn--55qx5d.cn"};
  CHECK(dmarc::Evaluate(ids, *psl, lookup, 0).outcome == dmarc::Outcome::kPass);
  // the A-label From: gives the same
  ids.from_domain = "news.example.xn--55qx5d.cn";
  CHECK(dmarc::Evaluate(ids, *psl, lookup, 0).outcome == dmarc::Outcome::kPass);
  // another registrant under 公司.cn is not aligned (before the list matched
  // U-label rules, both had the Organizational Domain xn--55qx5d.cn)
  ids.dkim_passed = {"mail.other.xn--55qx5d.cn"};
  CHECK(dmarc::Evaluate(ids, *psl, lookup, 0).outcome == dmarc::Outcome::kFail);
  CHECK(dmarc::Aligned("mail.example.xn--55qx5d.cn", "example.公司.cn", dmarc::Alignment::kStrict, *psl) == false);
  CHECK(dmarc::Aligned("example.xn--55qx5d.cn", "example.公司.cn", dmarc::Alignment::kStrict, *psl));
}
