#include <catch2/catch.hpp>

#include <string>

#include "queue/address_list.h"

using ms::queue::ParseAddressList;
using V = std::vector<std::string>;

namespace {
V Ok(std::string_view text) {
  auto r = ParseAddressList(text);
  INFO(std::string(text) << " -> " << (r ? "" : r.error().message));
  REQUIRE(r);
  return *r;
}
bool Bad(std::string_view text) { return !ParseAddressList(text); }
}  // namespace

TEST_CASE("address lists: the RFC 5322 appendix A forms", "[queue][address_list]") {
  CHECK(Ok("\"Joe Q. Public\" <john.q.public@example.com>") == V{"john.q.public@example.com"});
  CHECK(Ok("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>") ==
        V{"mary@x.test", "jdoe@example.org", "one@y.test"});
  CHECK(Ok("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>") ==
        V{"boss@nil.test", "sysservices@example.net"});
  CHECK(Ok("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;") ==
        V{"c@a.test", "joe@where.test", "jdoe@one.test"});
  CHECK(Ok("Undisclosed recipients:;").empty());
  CHECK(Ok("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>") ==
        V{"pete@silly.test"});
  CHECK(Ok("\r\n  Mary Smith\r\n <mary@x.test>,\n\tbob@y.test (Bob (the (builder)))") ==
        V{"mary@x.test", "bob@y.test"});
  CHECK(Ok("<@route1.test,@route2.test:user@final.test>") == V{"user@final.test"});
  CHECK(Ok("\"john doe\"@example.com") == V{"john doe@example.com"});
  CHECK(Ok("user@[192.0.2.1]") == V{"user@[192.0.2.1]"});
  CHECK(Ok("bare") == V{"bare"});
  CHECK(Ok("Joe Q. Public <joe@x.test>") == V{"joe@x.test"});
  CHECK(Ok("").empty());
  CHECK(Ok("a@b.test,,c@d.test") == V{"a@b.test", "c@d.test"});
  CHECK(Ok("<>").empty());
}

TEST_CASE("address lists: hostile input is refused, never crashes", "[queue][address_list]") {
  CHECK(Bad(std::string("a@b\0c.test", 10)));
  CHECK(Bad("\"unterminated@x.test"));
  CHECK(Bad("(unterminated comment a@b.test"));
  CHECK(Bad("a@[1.2.3.4"));
  CHECK(Bad("<a@b.test"));
  CHECK(Bad("a@b.test>"));
  CHECK(Bad("<<a@b.test>>"));
  CHECK(Bad("group: a@b.test"));
  CHECK(Bad("a@b.test;"));
  CHECK(Bad("John Smith john@x.test"));
  CHECK(Bad("a..b@x.test"));
  CHECK(Bad("a@x..test"));
  CHECK(Bad("a@"));
  CHECK(Bad("@x.test"));
  CHECK(Bad("<a@b.test> trailing"));
  CHECK(Bad("a@b.test\x01"));
  CHECK(Bad("g1: g2: a@b.test;;"));
  // Deep nesting and huge input stay linear.
  std::string deep(100000, '(');
  CHECK(Bad(deep));
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "u" + std::to_string(i) + "@x.test, ";
  CHECK(Ok(many).size() == 20000);
  std::string long_atom(1 << 20, 'a');
  CHECK(Ok(long_atom + "@x.test").front().size() == (1u << 20) + 7);
}
