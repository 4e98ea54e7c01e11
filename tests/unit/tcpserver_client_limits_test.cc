#include <catch2/catch.hpp>

#include "ip_address.h"
#include "tcpserver/client_limits.h"

using namespace ms;
using namespace ms::smtpd;

TEST_CASE("tcpserver client key: IPv4, mapped IPv4, IPv6 by /64", "[tcpserver]") {
  CHECK(ClientKey(*IpAddress::Parse("127.0.0.2")) == "127.0.0.2");
  CHECK(ClientKey(*IpAddress::Parse("::ffff:192.0.2.7")) == "192.0.2.7");
  CHECK(ClientKey(*IpAddress::Parse("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
  CHECK(ClientKey(*IpAddress::Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")) == "2001:db8:1:2::/64");
  CHECK(ClientKey(*IpAddress::Parse("2001:db8:1:3::1")) != ClientKey(*IpAddress::Parse("2001:db8:1:2::1")));
}

TEST_CASE("tcpserver maxperip: sessions per client counted until they end", "[tcpserver]") {
  ClientLimits limits(2, 0);
  CHECK(limits.Admit("a", 0) == Admission::kAdmit);
  limits.Started(100, "a");
  CHECK(limits.Admit("a", 0) == Admission::kAdmit);
  limits.Started(101, "a");
  CHECK(limits.Admit("a", 0) == Admission::kTooManySessions);
  CHECK(limits.Admit("b", 0) == Admission::kAdmit);  // another client is not held back
  limits.Started(102, "b");
  CHECK(limits.SessionsOf("a") == 2);
  limits.Ended(100);
  limits.Ended(100);  // a pid ends once; a repeat (or an unknown pid) changes nothing
  limits.Ended(999);
  CHECK(limits.SessionsOf("a") == 1);
  CHECK(limits.Admit("a", 0) == Admission::kAdmit);
  limits.Ended(101);
  limits.Ended(102);
  CHECK(limits.sessions() == 0);
  CHECK(limits.SessionsOf("a") == 0);
  CHECK(limits.SessionPids().empty());
}

TEST_CASE("tcpserver maxperip 0: no per-client limit", "[tcpserver]") {
  ClientLimits limits(0, 0);
  for (pid_t pid = 1; pid <= 500; ++pid) {
    REQUIRE(limits.Admit("a", 0) == Admission::kAdmit);
    limits.Started(pid, "a");
  }
  CHECK(limits.SessionsOf("a") == 500);
  CHECK(limits.SessionPids().size() == 500);
}

TEST_CASE("tcpserver ratelimit: a burst of N, then N a minute, per client", "[tcpserver]") {
  ClientLimits limits(0, 3);
  int64_t t = 1000000;
  CHECK(limits.Admit("a", t) == Admission::kAdmit);
  CHECK(limits.Admit("a", t) == Admission::kAdmit);
  CHECK(limits.Admit("a", t) == Admission::kAdmit);
  CHECK(limits.Admit("a", t) == Admission::kTooFast);
  CHECK(limits.Admit("a", t + 1000) == Admission::kTooFast);  // refusals spend nothing, gain little
  CHECK(limits.Admit("b", t) == Admission::kAdmit);
  CHECK(limits.Admit("a", t + 21000) == Admission::kAdmit);    // 3 a minute: one token per 20 s
  CHECK(limits.Admit("a", t + 21000) == Admission::kTooFast);
  CHECK(limits.Admit("a", t + 10 * 60000) == Admission::kAdmit);  // refilled to 3, no more
  CHECK(limits.Admit("a", t + 10 * 60000) == Admission::kAdmit);
  CHECK(limits.Admit("a", t + 10 * 60000) == Admission::kAdmit);
  CHECK(limits.Admit("a", t + 10 * 60000) == Admission::kTooFast);
  CHECK(limits.Admit("a", t - 5000) == Admission::kTooFast);  // a clock that goes back gains nothing
}

TEST_CASE("tcpserver ratelimit: idle clients are forgotten, memory stays bounded", "[tcpserver]") {
  ClientLimits limits(0, 10);
  int64_t t = 5000000;
  for (int i = 0; i < 5000; ++i) REQUIRE(limits.Admit("k" + std::to_string(i), t) == Admission::kAdmit);
  CHECK(limits.rate_entries() == 5000);
  CHECK(limits.Admit("fresh", t + 61000) == Admission::kAdmit);
  CHECK(limits.rate_entries() == 1);
}

TEST_CASE("tcpserver maxperip is checked before the rate and spends no token", "[tcpserver]") {
  ClientLimits limits(1, 1);
  CHECK(limits.Admit("a", 0) == Admission::kAdmit);
  limits.Started(1, "a");
  CHECK(limits.Admit("a", 0) == Admission::kTooManySessions);
  limits.Ended(1);
  CHECK(limits.Admit("a", 0) == Admission::kTooFast);
}

TEST_CASE("tcpserver stress meter: on above 80 %, off at 70 %", "[tcpserver]") {
  StressMeter m(200);
  CHECK_FALSE(m.Update(160));  // exactly 80 %: not more than
  CHECK_FALSE(m.on());
  CHECK(m.Update(161));
  CHECK(m.on());
  CHECK_FALSE(m.Update(141));  // between: stays on
  CHECK(m.on());
  CHECK(m.Update(140));
  CHECK_FALSE(m.on());
  CHECK_FALSE(m.Update(150));
  StressMeter small(1);
  CHECK(small.Update(1));
  CHECK(small.Update(0));
}
