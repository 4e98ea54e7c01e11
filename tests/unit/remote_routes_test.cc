#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "remote/delivery_plan.h"
#include "remote/resolver.h"
#include "remote/smtproutes.h"

using namespace ms::remote;
using ms::IpAddress;

TEST_CASE("smtproutes: forms and lookup order", "[remote][smtproutes]") {
  auto routes = ParseSmtpRoutes({"example.com:relay.example.net", "Sub.Example.org:relay2:2525",
                                 ".example.org:[192.0.2.7]", "v6.test:[IPv6:2001:db8::25]:587",
                                 "plain.example.org:", ":smart.example.net"});
  REQUIRE(routes.ok());
  auto r = FindRoute(*routes, "EXAMPLE.com");
  REQUIRE(r);
  CHECK(r->relay == "relay.example.net");
  CHECK(r->port == 25);
  r = FindRoute(*routes, "sub.example.org");
  REQUIRE(r);
  CHECK(r->relay == "relay2");
  CHECK(r->port == 2525);
  r = FindRoute(*routes, "a.b.example.org");
  REQUIRE(r);
  CHECK(r->relay == "[192.0.2.7]");
  r = FindRoute(*routes, "plain.example.org");
  REQUIRE(r);
  CHECK(r->relay.empty());  // use MX
  r = FindRoute(*routes, "example.org");  // ".example.org" is for subdomains only
  REQUIRE(r);
  CHECK(r->relay == "smart.example.net");
  r = FindRoute(*routes, "v6.test");
  REQUIRE(r);
  CHECK(r->port == 587);
  CHECK(LiteralInside(r->relay) == std::optional<std::string>("2001:db8::25"));
  auto none = ParseSmtpRoutes({"a.test:b.test"});
  REQUIRE(none.ok());
  CHECK_FALSE(FindRoute(*none, "c.test"));
}

TEST_CASE("smtproutes: malformed lines are errors naming the line", "[remote][smtproutes]") {
  for (const char* bad : {"nocolon", "a.test:relay:", "a.test:relay:0", "a.test:relay:65536", "a.test:relay:2x",
                          "a.test:[1.2.3.4", "a.test:[1.2.3.4]x", "a.test:[nonsense]", "a.test::25",
                          "bad domain:relay", "a.test:re lay", "a.test:relay\x01"}) {
    auto r = ParseSmtpRoutes({"ok.test:fine.test", bad});
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("line 2") != std::string::npos);
  }
}

TEST_CASE("MX order: by preference, equal preferences shuffled", "[remote][mx]") {
  std::vector<MxRecord> in = {{20, "c"}, {10, "a"}, {20, "b"}, {30, "d"}, {20, "e"}};
  std::mt19937 rng(1);
  bool saw_first[3] = {false, false, false};
  for (int i = 0; i < 200; ++i) {
    auto out = OrderByPreference(in, rng);
    REQUIRE(out.size() == 5);
    CHECK(out[0].name == "a");
    CHECK(out[4].name == "d");
    for (int k = 1; k < 4; ++k) CHECK(out[k].preference == 20);
    saw_first[out[1].name[0] == 'b' ? 0 : out[1].name[0] == 'c' ? 1 : 2] = true;
  }
  CHECK((saw_first[0] && saw_first[1] && saw_first[2]));
}

TEST_CASE("MX: ourselves and every less-preferred host are removed", "[remote][mx]") {
  SelfIdentity self{"mail2.tt.test", {*IpAddress::Parse("192.0.2.99")}};
  auto host = [](unsigned pref, std::string name, const char* ip) {
    return ResolvedMx{MxRecord{pref, std::move(name)}, DnsStatus::kOk, {*IpAddress::Parse(ip)}, ""};
  };
  std::vector<ResolvedMx> hosts = {host(10, "mail1.tt.test", "192.0.2.1"), host(20, "mail2.tt.test", "192.0.2.2"),
                                   host(20, "mail3.tt.test", "192.0.2.3")};
  CHECK(DropSelfAndLessPreferred(&hosts, self));
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0].mx.name == "mail1.tt.test");

  // Recognised by address, name differing in case, or not at all.
  hosts = {host(5, "a.test", "192.0.2.1"), host(7, "b.test", "192.0.2.99")};
  CHECK(DropSelfAndLessPreferred(&hosts, self));
  CHECK(hosts.size() == 1);
  hosts = {host(5, "MAIL2.TT.TEST", "192.0.2.5")};
  CHECK(DropSelfAndLessPreferred(&hosts, self));
  CHECK(hosts.empty());
  hosts = {host(5, "a.test", "::ffff:192.0.2.99")};  // our IPv4 address, IPv6-mapped
  CHECK(DropSelfAndLessPreferred(&hosts, self));
  hosts = {host(5, "a.test", "192.0.2.1"), host(7, "b.test", "192.0.2.2")};
  CHECK_FALSE(DropSelfAndLessPreferred(&hosts, self));
  CHECK(hosts.size() == 2);
}

TEST_CASE("null MX", "[remote][mx]") {
  CHECK(IsNullMx({{0, ""}}));
  CHECK_FALSE(IsNullMx({{0, ""}, {10, "mx.test"}}));
  CHECK_FALSE(IsNullMx({{10, "mx.test"}}));
  CHECK_FALSE(IsNullMx({}));
}

TEST_CASE("smtproutes: a relay as bare IPv4, [IPv4], [IPv6:...] is an address, never looked up",
          "[remote][smtproutes]") {
  auto routes = ParseSmtpRoutes({"bare.test:192.0.2.7:2631", "bracket.test:[192.0.2.8]",
                                 "v6.test:[IPv6:2001:db8::25]:587", "v6b.test:[2001:db8::26]",
                                 ":192.0.2.9"});
  REQUIRE(routes.ok());
  // A resolver with nowhere to ask: any lookup would be a temporary failure.
  ::setenv("DNSCACHEIP", "0.0.0.0", 1);
  Resolver resolver(200);
  SelfIdentity self;
  std::mt19937 rng(1);
  struct Case {
    const char* host;
    const char* ip;
    uint16_t port;
  };
  for (const Case& c : {Case{"bare.test", "192.0.2.7", 2631}, Case{"bracket.test", "192.0.2.8", 25},
                        Case{"v6.test", "2001:db8::25", 587}, Case{"v6b.test", "2001:db8::26", 25},
                        Case{"anything.example", "192.0.2.9", 25}}) {
    INFO(c.host);
    Plan plan = PlanDelivery(c.host, *routes, resolver, self, rng);
    REQUIRE(plan.kind == Plan::kTargets);
    REQUIRE(plan.targets.size() == 1);
    CHECK(plan.targets[0].ip.ToString() == c.ip);
    CHECK(plan.targets[0].port == c.port);
  }
  ::unsetenv("DNSCACHEIP");
  // Not dotted-quad IPv4: a name (and so looked up), as before.
  auto named = ParseSmtpRoutes({"x.test:192.0.2", "y.test:1.2.3.4.5"});
  REQUIRE(named.ok());
  CHECK(FindRoute(*named, "x.test")->relay == "192.0.2");
}
