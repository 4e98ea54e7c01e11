#include <catch2/catch.hpp>

#include "log.h"
#include "service/log_record.h"

TEST_CASE("log records round-trip LogLine's escaping", "[service][stats]") {
  ms::SetLogProgram("smtpd");
  std::string helo = std::string("evil\r\nsmtpd: fake k=v \"q\" \\ \x01", 29);
  ms::LogLine line("message");
  line.Add("helo", helo).Add("bytes", 4096).Add("empty", "");
  auto r = ms::setup::ParseLogRecord(line.str());
  REQUIRE(r.has_value());
  CHECK(r->program == "smtpd");
  CHECK(r->event == "message");
  CHECK(r->Get("helo") == helo);
  CHECK(r->Number("bytes") == 4096);
  CHECK(r->Get("empty").empty());
  CHECK(r->fields.size() == 3);
}

TEST_CASE("TAI64N stamps", "[service][stats]") {
  // TAI64 label = 2^62 + 10 + Unix seconds.
  auto t = ms::setup::ParseTai64n("@400000006b20ec8a00000000");
  REQUIRE(t.has_value());
  CHECK(*t == 0x6b20ec8aLL - 10);
  CHECK(!ms::setup::ParseTai64n("@40000000zz20ec8a00000000").has_value());
  CHECK(!ms::setup::ParseTai64n("@4000").has_value());
  auto r = ms::setup::ParseLogRecord("@400000006b20ec8a00000000 send: delivery id=1 result=success");
  REQUIRE(r.has_value());
  CHECK(r->unix_time == 0x6b20ec8aLL - 10);
  CHECK(r->Get("result") == "success");
}

TEST_CASE("lines that are not log records", "[service][stats]") {
  CHECK(!ms::setup::ParseLogRecord("tcpserver: status: 1/200").has_value());  // no key=value
  CHECK(!ms::setup::ParseLogRecord("").has_value());
  CHECK(!ms::setup::ParseLogRecord("no colon here").has_value());
  CHECK(!ms::setup::ParseLogRecord("smtpd: ev key").has_value());
  CHECK(!ms::setup::ParseLogRecord("smtpd: ev k=\"unterminated").has_value());
  // A raw NUL inside a value is kept as data, not a terminator.
  CHECK(ms::setup::ParseLogRecord(std::string("smtpd: ev k=\0v", 14))->Get("k") == std::string_view("\0v", 2));
}
