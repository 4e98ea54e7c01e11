#include <catch2/catch.hpp>

#include "send/config.h"
#include "send/route.h"

using ms::send::Channel;
using ms::send::RouteRecipient;
using ms::send::SendConfig;

namespace {
SendConfig Config() {
  SendConfig c;
  c.me = "mx.example.test";
  c.locals = {"mx.example.test", "example.test"};
  c.envnoathost = "example.test";
  c.virtualdomains = ms::send::ParseVirtualDomains({
      "virt.test:virt",
      "Joe@Special.test:joe-special",
      "special.test:spec",
      ".wild.test:wild",
      "except.wild.test:",
      "no colon line",
  });
  c.percenthack = {"relay.test"};
  return c;
}
}  // namespace

TEST_CASE("locals are delivered locally, case-insensitively", "[send][route]") {
  auto r = RouteRecipient("Alice@EXAMPLE.test", Config());
  CHECK(r.channel == Channel::kLocal);
  CHECK(r.address == "Alice@EXAMPLE.test");
  CHECK(r.local == "Alice");
  CHECK(r.domain == "example.test");
}

TEST_CASE("other domains are remote", "[send][route]") {
  auto r = RouteRecipient("bob@elsewhere.test", Config());
  CHECK(r.channel == Channel::kRemote);
  CHECK(r.domain == "elsewhere.test");
  CHECK(r.address == "bob@elsewhere.test");
}

TEST_CASE("an address without @ gets envnoathost", "[send][route]") {
  auto r = RouteRecipient("postmaster", Config());
  CHECK(r.channel == Channel::kLocal);
  CHECK(r.address == "postmaster@example.test");
}

TEST_CASE("virtualdomains prepend, most specific entry first", "[send][route]") {
  auto c = Config();
  auto r = RouteRecipient("joe@virt.test", c);
  CHECK(r.channel == Channel::kLocal);
  CHECK(r.address == "virt-joe@virt.test");
  CHECK(r.local == "virt-joe");
  CHECK(r.original_local == "joe");

  // user@domain beats domain
  r = RouteRecipient("joe@special.test", c);
  CHECK(r.address == "joe-special-joe@special.test");
  r = RouteRecipient("ann@special.test", c);
  CHECK(r.address == "spec-ann@special.test");

  // .domain matches subdomains of any depth, not the domain itself
  r = RouteRecipient("x@a.b.wild.test", c);
  CHECK(r.channel == Channel::kLocal);
  CHECK(r.address == "wild-x@a.b.wild.test");
  CHECK(RouteRecipient("x@wild.test", c).channel == Channel::kRemote);

  // an empty prepend is an exception: remote
  CHECK(RouteRecipient("x@except.wild.test", c).channel == Channel::kRemote);
}

TEST_CASE("the empty virtualdomain is the default for everything", "[send][route]") {
  auto c = Config();
  c.virtualdomains = ms::send::ParseVirtualDomains({":catchall", "keep.test:"});
  auto r = RouteRecipient("someone@anywhere.test", c);
  CHECK(r.channel == Channel::kLocal);
  CHECK(r.address == "catchall-someone@anywhere.test");
  CHECK(RouteRecipient("a@keep.test", c).channel == Channel::kRemote);
  // locals still win over the default
  CHECK(RouteRecipient("a@example.test", c).address == "a@example.test");
}

TEST_CASE("percenthack turns user%host@relay into user@host", "[send][route]") {
  auto c = Config();
  auto r = RouteRecipient("u%far.test@relay.test", c);
  CHECK(r.channel == Channel::kRemote);
  CHECK(r.address == "u@far.test");
  // repeated while the new domain is listed too
  c.percenthack.push_back("mid.test");
  r = RouteRecipient("u%example.test%mid.test@relay.test", c);
  CHECK(r.channel == Channel::kLocal);
  CHECK(r.address == "u@example.test");
  // not listed: left alone
  r = RouteRecipient("u%far.test@other.test", c);
  CHECK(r.address == "u%far.test@other.test");
  // listed but no %: unchanged
  CHECK(RouteRecipient("u@relay.test", c).address == "u@relay.test");
}

TEST_CASE("hostile recipients route without crashing", "[send][route]") {
  auto c = Config();
  for (std::string s : {std::string(), std::string("@"), std::string("@@@"),
                        std::string("%@relay.test"), std::string(5000, '%') + "@relay.test",
                        std::string("a\0b@virt.test", 13), std::string(".wild.test"),
                        std::string("x@.wild.test")}) {
    auto r = RouteRecipient(s, c);
    CHECK(r.address.find('@') != std::string::npos);
  }
}
