#include <catch2/catch.hpp>

#include "service/stats.h"

namespace {
// 2025-11-22 10:00:00 UTC and 11:00:00 UTC as TAI64N labels.
const char kTen[] = "@40000000692189ba00000000 ";     // 1763805600 + 10
const char kEleven[] = "@4000000069219a4a00000000 ";  // 1763809800 + 10
}  // namespace

TEST_CASE("stats count channels, rejections, deferrals and bounces", "[service][stats]") {
  ms::setup::Stats stats(ms::setup::Period::kHour, {"zen.example.org"});
  std::string t = kTen, e = kEleven;
  for (const std::string& line : {
           t + "smtpd: message ip=1.2.3.4 helo=a from=x@y rcpts=2 bytes=4096 result=accepted id=1",
           t + "smtpd: message ip=1.2.3.4 helo=a from=x@y rcpts=1 bytes=9000 result=refused reason=\"552 5.3.4 message too big\"",
           t + "smtpd: refused ip=1.2.3.4 what=rcpt category=relay reason=\"553 5.7.1 relaying denied\"",
           t + "smtpd: refused ip=1.2.3.5 what=session category=pregreet arg=\"EHLO bot\"",
           t + "rblsmtpd: 5.6.7.8 pid 42: 451 listed in zen.example.org, see http://zen.example.org/",
           t + "mailsuite-send: new msg=1.2 bytes=4200 from=x@y rcpts=2",
           t + "mailsuite-send: starting delivery=1 msg=1.2 channel=local to=a@b",
           t + "mailsuite-send: starting delivery=2 msg=1.2 channel=remote to=c@d",
           t + "mailsuite-send: delivery delivery=1 msg=1.2 to=a@b result=success reason=ok",
           t + "mailsuite-send: delivery delivery=2 msg=1.2 to=c@d result=deferral reason=\"timed out\"",
           e + "mailsuite-send: starting delivery=3 msg=1.2 channel=remote to=c@d",
           e + "mailsuite-send: delivery delivery=3 msg=1.2 to=c@d result=failure reason=\"550 no\"",
           e + "mailsuite-send: bounce msg=1.2 to=x@y rcpts=1",
           e + "mailsuite-send: end msg=1.2",
           e + "garbage line that is not a log record",
       })
    stats.AddLine(line);
  REQUIRE(stats.periods().size() == 2);
  const auto& ten = stats.periods().at("2025-11-22 10:00");
  CHECK(ten.channels.at("smtp-in").messages == 1);
  CHECK(ten.channels.at("smtp-in").bytes == 4096);
  CHECK(ten.channels.at("local").messages == 1);
  CHECK(ten.channels.at("local").bytes == 4200);
  CHECK(ten.channels.at("remote").deferrals == 1);
  CHECK(ten.rejected.at("size") == 1);
  CHECK(ten.rejected.at("relay") == 1);
  CHECK(ten.rejected.at("pregreet") == 1);
  CHECK(ten.rejected.at("dnsbl:zen.example.org") == 1);
  const auto& eleven = stats.periods().at("2025-11-22 11:00");
  CHECK(eleven.channels.at("remote").failures == 1);
  CHECK(eleven.bounces == 1);
  auto total = stats.Total();
  CHECK(total.channels.at("remote").deferrals == 1);
  std::string prom = stats.Prometheus();
  CHECK(prom.find("mailsuite_messages_total{channel=\"smtp-in\"} 1\n") != std::string::npos);
  CHECK(prom.find("mailsuite_rejected_total{reason=\"dnsbl:zen.example.org\"} 1\n") != std::string::npos);
  CHECK(prom.find("mailsuite_bounces_total{kind=\"bounce\"} 1\n") != std::string::npos);
}

TEST_CASE("stats count the filter's verdicts", "[service][stats]") {
  ms::setup::Stats stats(ms::setup::Period::kAll, {});
  for (const char* line : {
           "mailsuite-filter: message size=10 parts=1 from=a@b rcpts=1 source=rule:1 text=x verdict=reject exit=82 ms=1",
           "mailsuite-filter: message size=10 parts=1 from=a@b rcpts=1 source=rule:1 text=x verdict=reject exit=82 ms=1",
           "mailsuite-filter: message size=10 parts=1 from=a@b rcpts=1 virus=EICAR source=virus verdict=quarantine exit=0 ms=3",
           "mailsuite-filter: message size=10 parts=1 from=a@b rcpts=1 verdict=accept exit=0 ms=1",
           "mailsuite-smtpd: message ip=1.2.3.4 helo=a from=x@y rcpts=1 bytes=9 result=refused "
           "reason=\"554 5.6.0 message cannot be checked safely: truncated base64\"",
       })
    stats.AddLine(line);
  const auto& all = stats.periods().at("all");
  CHECK(all.filtered.at("reject:rule:1") == 2);
  CHECK(all.filtered.at("quarantine:virus") == 1);
  CHECK(all.filtered.size() == 2);
  CHECK(all.rejected.at("filter") == 1);
  CHECK(stats.Text().find("filter: quarantine:virus=1 reject:rule:1=2") != std::string::npos);
  CHECK(stats.Prometheus().find("mailsuite_filter_total{verdict=\"reject:rule:1\"} 2") != std::string::npos);
}

TEST_CASE("stats count smtpd's SPF results", "[service][stats][spf]") {
  ms::setup::Stats stats(ms::setup::Period::kAll, {});
  std::string t = kTen;
  for (const std::string& line : {
           t + "smtpd: spf ip=192.0.2.1 identity=mailfrom from=a@b.example helo=h result=pass mechanism=mx",
           t + "smtpd: spf ip=192.0.2.2 identity=mailfrom from=a@c.example helo=h result=fail mechanism=-all",
           t + "smtpd: spf ip=192.0.2.3 identity=helo from= helo=h.example result=fail mechanism=-all",
           t + "smtpd: spf ip=192.0.2.4 identity=mailfrom from=a@d.example helo=h result=temperror problem=x",
           t + "smtpd: refused ip=192.0.2.2 what=rcpt category=spf arg=<u@x> reply=\"550 5.7.23 SPF fail\"",
       })
    stats.AddLine(line);
  ms::setup::PeriodCounts total = stats.Total();
  CHECK(total.spf == std::map<std::string, uint64_t>{{"fail", 2}, {"pass", 1}, {"temperror", 1}});
  CHECK(total.rejected["spf"] == 1);
  CHECK(stats.Text().find("\n  spf: fail=2 pass=1 temperror=1\n") != std::string::npos);
  CHECK(stats.Prometheus().find("mailsuite_spf_total{result=\"fail\"} 2\n") != std::string::npos);
}

TEST_CASE("stats count the filter's DMARC results", "[service][stats][dmarc]") {
  ms::setup::Stats stats(ms::setup::Period::kAll, {});
  std::string t = kTen;
  for (const std::string& line : {
           t + "mailsuite-filter: message size=10 parts=1 spf=pass dkim=1/1 dmarc=pass verdict=tag exit=0 ms=3",
           t + "mailsuite-filter: message size=10 parts=1 spf=none dkim=0/0 dmarc=fail source=dmarc "
               "text=x verdict=reject exit=82 ms=3",
           t + "mailsuite-filter: message size=10 parts=1 spf=none dkim=0/1 dmarc=fail verdict=tag exit=0 ms=2",
           t + "mailsuite-filter: message size=10 parts=1 auth=skipped-own-client verdict=accept exit=0 ms=1",
       })
    stats.AddLine(line);
  ms::setup::PeriodCounts total = stats.Total();
  CHECK(total.dmarc == std::map<std::string, uint64_t>{{"fail", 2}, {"pass", 1}});
  CHECK(total.filtered["reject:dmarc"] == 1);
  CHECK(stats.Text().find("\n  dmarc: fail=2 pass=1\n") != std::string::npos);
  CHECK(stats.Prometheus().find("mailsuite_dmarc_total{result=\"fail\"} 2\n") != std::string::npos);
}
