#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "lib_test_util.h"
#include "users.h"

using namespace std::string_literals;

namespace {

const std::string kHash = "$y$j9T$bmLS0YZzmDol8B3cYhrMi1$i0jsIWlhJ/..ZWCn3L1Qcn.qbbn00b4.O7x7tSwIg.3";

std::string GoodLine() { return "alice@example.com:2001:2002:/var/vmail/alice:" + kHash + ":1000S,10C"; }

}  // namespace

TEST_CASE("users: a full line", "[lib][users]") {
  auto e = ms::ParseUserLine(GoodLine());
  REQUIRE(e.ok());
  CHECK(e->address == "alice@example.com");
  CHECK(e->uid == 2001);
  CHECK(e->gid == 2002);
  CHECK(e->home == "/var/vmail/alice");
  CHECK(e->hash == kHash);
  CHECK(e->quota.set);
  CHECK(e->quota.bytes == 1000);
  CHECK(e->quota.count == 10);
  CHECK(e->CanLogIn());
  CHECK(ms::FormatUserLine(*e) == GoodLine() + "\n");
}

TEST_CASE("users: optional fields and disabled logins", "[lib][users]") {
  auto e = ms::ParseUserLine("Bob@EXAMPLE.com:1:1:/h::");
  REQUIRE(e.ok());
  CHECK(e->address == "Bob@example.com");
  CHECK(e->hash.empty());
  CHECK(!e->CanLogIn());
  CHECK(!e->quota.set);
  CHECK(ms::FormatUserLine(*e) == "Bob@example.com:1:1:/h::\n");
  CHECK(!ms::ParseUserLine("b@x.example:1:1:/h:!" + kHash + ":")->CanLogIn());
  CHECK(!ms::ParseUserLine("b@x.example:1:1:/h:*:")->CanLogIn());
  // passwd's "x" and an old DES crypt are accepted but never log in.
  CHECK(!ms::ParseUserLine("b@x.example:1:1:/h:x:")->CanLogIn());
  CHECK(!ms::ParseUserLine("b@x.example:1:1:/h:abDEScrypt12:")->CanLogIn());
  CHECK(ms::ParseUserLine("b@[192.0.2.1]:1:1:/h::").ok());
  CHECK(ms::ParseUserLine("b@x.example:4294967294:4294967294:/h::").ok());
}

TEST_CASE("users: malformed lines", "[lib][users]") {
  for (std::string bad : {
           ""s, "alice@example.com"s, "a@x.example:1:1:/h:"s,   // too few fields
           "a@x.example:1:1:/h:::"s,                           // too many
           "a@x.example:1:1:/h::100S:extra"s,
           "a:1:1:/h::"s,                                      // no domain
           "\"a b\"@x.example:1:1:/h::"s,                      // quoted local part
           "a@@x:1:1:/h::"s, "@x.example:1:1:/h::"s, "a@x..example:1:1:/h::"s,
           "a@x.example:0:1:/h::"s,                            // root uid
           "a@x.example:1:0:/h::"s,                            // root gid
           "a@x.example:4294967295:1:/h::"s,                   // (uid_t)-1
           "a@x.example:4294967296:1:/h::"s, "a@x.example:-1:1:/h::"s, "a@x.example::1:/h::"s,
           "a@x.example:1x:1:/h::"s, "a@x.example: 1:1:/h::"s,
           "a@x.example:1:1:relative/h::"s, "a@x.example:1:1:::"s,
           "a@x.example:1:1:/a/../etc::"s, "a@x.example:1:1:/a/..::"s,
           "a@x.example:1:1:/a\tb::"s, "a@x.example:1:1:/a\rb::"s,
           "a@x.example:1:1:/h:plain text:"s, "a@x.example:1:1:/h:p@ss:"s,
           "a@x.example:1:1:/h:$y$ space:"s, "a@x.example:1:1:/h:$y$\x01:"s,
           "a@x.example:1:1:/h::S"s, "a@x.example:1:1:/h::100X"s, "a@x.example:1:1:/h::1 S"s,
           "a@x.example:1:1:/h::100S,"s, "a@x.example:1:1:/h::100S,200S"s,
           "a@x.example:1:1:/h::,100S"s, "a@x.example:1:1:/h::-1S"s,
           "a@x.example:1:1:/h::99999999999999999999S"s,
           "a@x.example:1:1:/h\0x::"s,                          // NUL
       }) {
    INFO(bad);
    auto r = ms::ParseUserLine(bad);
    CHECK(!r.ok());
    if (!r.ok()) CHECK(!r.error().message.empty());
  }
  std::string long_home = "a@x.example:1:1:/" + std::string(5000, 'h') + "::";
  CHECK(!ms::ParseUserLine(long_home).ok());
  CHECK(!ms::ParseUserLine(std::string(10 * 1024 * 1024, 'a')).ok());
}

TEST_CASE("users: quotas", "[lib][users]") {
  auto q = ms::ParseQuota("5C,100S");
  REQUIRE(q.ok());
  CHECK(q->bytes == 100);
  CHECK(q->count == 5);
  CHECK(ms::FormatQuota(*q) == "100S,5C");
  CHECK(ms::FormatQuota(*ms::ParseQuota("100S")) == "100S");
  CHECK(ms::FormatQuota(*ms::ParseQuota("7C")) == "7C");
  CHECK(ms::FormatQuota(*ms::ParseQuota("0S")) == "0S");  // set, but unlimited
  CHECK(ms::ParseQuota("0S")->set);
  CHECK(!ms::ParseQuota("")->set);
  CHECK(ms::FormatQuota(*ms::ParseQuota("")).empty());
  CHECK(ms::ParseQuota("9223372036854775807S").ok());
  CHECK(!ms::ParseQuota("9223372036854775808S").ok());
  CHECK(!ms::ParseQuota("1C,2C").ok());
  CHECK(!ms::ParseQuota("1s").ok());
  auto bare = ms::ParseQuota("5000");  // bytes, as "5000S"
  REQUIRE(bare.ok());
  CHECK(bare->set);
  CHECK(bare->bytes == 5000);
  CHECK(ms::FormatQuota(*bare) == "5000S");
  CHECK(ms::ParseQuota("0")->set);
  CHECK(ms::ParseQuota("10,3C")->count == 3);
  CHECK(!ms::ParseQuota("10,20").ok());  // bytes twice
}

TEST_CASE("users: NormalizeUserAddress", "[lib][users]") {
  CHECK(*ms::NormalizeUserAddress("Alice@Example.COM") == "Alice@example.com");
  CHECK(*ms::NormalizeUserAddress("a@[IPv6:2001:DB8::1]") == "a@[IPv6:2001:db8::1]");
  CHECK(!ms::NormalizeUserAddress("alice").ok());
  CHECK(!ms::NormalizeUserAddress("<alice@x.example>").ok());
  CHECK(!ms::NormalizeUserAddress("\"q\"@x.example").ok());
  CHECK(!ms::NormalizeUserAddress("a\0b@x.example"s).ok());
}

TEST_CASE("users: whole database, comments, errors with line numbers", "[lib][users]") {
  std::string text = "# users\n" + GoodLine() + "\n\n  \nbroken line\nbob@example.com:3:3:/b::  \r\n" +
                     "alice@EXAMPLE.com:9:9:/dup::\n" + "last@example.com:4:4:/l::";  // no final newline
  auto db = ms::ParseUsers(text);
  REQUIRE(db.entries.size() == 4);
  REQUIRE(db.errors.size() == 1);
  CHECK(db.errors[0].line == 5);
  const ms::UserEntry* a = db.Find("alice@Example.Com");
  REQUIRE(a != nullptr);
  CHECK(a->uid == 2001);  // the first line for an address wins
  CHECK(db.Find("Alice@example.com") == nullptr);  // local parts are exact
  REQUIRE(db.Find("bob@example.com") != nullptr);
  CHECK(db.Find("bob@example.com")->home == "/b");
  CHECK(db.Find("last@example.com") != nullptr);
  CHECK(db.Find("nobody@example.com") == nullptr);
  CHECK(db.Find("not an address") == nullptr);
  CHECK(ms::ParseUsers("").entries.empty());
  auto nul = ms::ParseUsers("a@x.example:1:1:/h::\0\nb@x.example:1:1:/h::\n"s);
  CHECK(nul.entries.size() == 1);
  CHECK(nul.errors.size() == 1);
}

TEST_CASE("users: LookupUser reads the file", "[lib][users]") {
  ms::test::TempDir dir;
  std::string path = dir.Write("users", "# x\n" + GoodLine() + "\ncarol@example.com:5:5:/c::\n" +
                                            "garbage that is not for anyone\n" +
                                            "dave@example.com:0:5:/d::\n");
  auto a = ms::LookupUser(path, "alice@EXAMPLE.com");
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  CHECK((*a)->uid == 2001);
  auto c = ms::LookupUser(path, "carol@example.com");
  REQUIRE(c.ok());
  CHECK((*c)->home == "/c");
  auto none = ms::LookupUser(path, "zed@example.com");
  REQUIRE(none.ok());
  CHECK(!none->has_value());
  CHECK(!ms::LookupUser(path, "garbage")->has_value());
  // The line for the address asked about is malformed: an error, not "no".
  auto d = ms::LookupUser(path, "dave@example.com");
  REQUIRE(!d.ok());
  CHECK_THAT(d.error().message, Catch::Contains("line 5"));
  auto missing = ms::LookupUser(dir / "absent", "alice@example.com");
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  REQUIRE(::mkdir((dir / "adir").c_str(), 0700) == 0);
  CHECK(!ms::LookupUser(dir / "adir", "alice@example.com").ok());
}
