#include <catch2/catch.hpp>

#include "service/stats.h"

TEST_CASE("stats count mailsuite-remote's DKIM signing results", "[service][stats][dkim]") {
  ms::setup::Stats stats(ms::setup::Period::kAll, {});
  const std::string t = "@40000000692189ba00000000 ";
  for (const std::string& line : {
           t + "mailsuite-remote: dkim result=signed d=example.org s=sel",
           t + "mailsuite-remote: dkim result=signed d=example.org s=sel",
           t + "mailsuite-remote: dkim result=unsigned domain=example.org reason=\"Permission denied\"",
           t + "mailsuite-remote: delivery host=example.net result=K text=ok",
       }) {
    stats.AddLine(line);
  }
  auto total = stats.Total();
  CHECK(total.dkim_signing["signed"] == 2);
  CHECK(total.dkim_signing["unsigned"] == 1);
  CHECK(stats.Text().find("dkim signing: signed=2 unsigned=1") != std::string::npos);
  CHECK(stats.Prometheus().find("mailsuite_dkim_signing_total{result=\"unsigned\"} 1") != std::string::npos);
}
