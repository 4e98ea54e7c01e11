// userdb/snapshot.h: what rows PostgreSQL may hand the sync, and the
// frame from the unprivileged reader to the root installer.
#include <catch2/catch.hpp>

#include "userdb/snapshot.h"
#include "users.h"

using namespace ms::userdb;

namespace {

UserRow Row(std::string address, std::string home = "/var/vmail/x") {
  UserRow r;
  r.address = std::move(address);
  r.uid = "2000";
  r.gid = "2000";
  r.home = std::move(home);
  r.password_hash = "$6$salt$hash";
  return r;
}

std::vector<DomainRow> Domains() { return {{"example.test", "mailbox"}, {"relay.test", "relay"}}; }

}  // namespace

TEST_CASE("userdb snapshot: rows become the users database and control files") {
  auto a = Row("bob@Example.TEST", "/var/vmail/bob");
  a.quota_bytes = "1000";
  a.quota_count = "10";
  auto b = Row("ann@example.test", "/var/vmail/ann");
  b.password_hash = std::nullopt;
  auto built = BuildSnapshot({a, b}, Domains(), false);
  REQUIRE(built);
  CHECK(built->warnings.empty());
  const Snapshot& s = built->snapshot;
  CHECK(s.users == std::string(kUsersHeader) +
                       "ann@example.test:2000:2000:/var/vmail/ann::\n"
                       "bob@example.test:2000:2000:/var/vmail/bob:$6$salt$hash:1000S,10C\n");
  CHECK(s.rcpthosts == "example.test\nrelay.test\n");
  CHECK(s.virtualdomains == "example.test:example.test\n");
  CHECK(CheckSnapshot(s));
  auto db = ms::ParseUsers(s.users);
  CHECK(db.errors.empty());
  REQUIRE(db.Find("BOB@example.test") == nullptr);  // local part exact
  REQUIRE(db.Find("bob@EXAMPLE.test") != nullptr);
  CHECK(db.Find("bob@example.test")->quota.count == 10);
}

TEST_CASE("userdb snapshot: a backup MX gets rcpthosts only") {
  auto built = BuildSnapshot({}, Domains(), true);
  REQUIRE(built);
  CHECK(built->snapshot.rcpthosts == "example.test\nrelay.test\n");
  CHECK(built->snapshot.virtualdomains.empty());
}

TEST_CASE("userdb snapshot: an empty domains table writes empty files with a warning") {
  auto built = BuildSnapshot({Row("a@b.test")}, {}, false);
  REQUIRE(built);
  CHECK(built->snapshot.rcpthosts.empty());
  CHECK(built->snapshot.virtualdomains.empty());
  REQUIRE(built->warnings.size() == 1);
  CHECK(CheckSnapshot(built->snapshot));
}

TEST_CASE("userdb snapshot: a hostile or broken row refuses the whole snapshot") {
  const std::vector<UserRow> bad = {
      Row("a@b.test", "/x:0:0:/root"),      // field injection
      Row("a@b.test", "/x\nroot@b.test"),   // line injection
      Row("a@b.test", "relative/home"),
      Row("a@b.test", "/x/../etc"),
      Row("no-at-sign"),
      Row("a@b:test"),
      Row(std::string("a@b.test\0x", 10)),
  };
  for (const auto& r : bad) CHECK_FALSE(BuildSnapshot({r}, Domains(), false));
  auto root = Row("a@b.test");
  root.uid = "0";
  CHECK_FALSE(BuildSnapshot({root}, Domains(), false));
  auto neg = Row("a@b.test");
  neg.gid = "-1";
  CHECK_FALSE(BuildSnapshot({neg}, Domains(), false));
  auto big = Row("a@b.test");
  big.uid = "99999999999";
  CHECK_FALSE(BuildSnapshot({big}, Domains(), false));
  auto hash = Row("a@b.test");
  hash.password_hash = "$6$a:b";
  CHECK_FALSE(BuildSnapshot({hash}, Domains(), false));
  auto quota = Row("a@b.test");
  quota.quota_bytes = "-5";
  CHECK_FALSE(BuildSnapshot({quota}, Domains(), false));
  // The same mailbox twice (domain case differs) would make the first win silently.
  CHECK_FALSE(BuildSnapshot({Row("a@B.test"), Row("a@b.test")}, Domains(), false));
  for (const char* d : {"", ".", "a..b", "a b", "a:b", "exa\nmple", "-x.test", "x.test:evil"})
    CHECK_FALSE(BuildSnapshot({}, {{d, "mailbox"}}, false));
  CHECK_FALSE(BuildSnapshot({}, {{"x.test", "local"}}, false));
  CHECK_FALSE(BuildSnapshot({}, {{"x.test", "mailbox"}, {"X.test", "relay"}}, false));
  auto sub = BuildSnapshot({}, {{".Sub.Test", "mailbox"}}, false);
  REQUIRE(sub);
  CHECK(sub->snapshot.rcpthosts == ".sub.test\n");
  CHECK(sub->snapshot.virtualdomains == ".sub.test:sub.test\n");
}

TEST_CASE("userdb frame: round trip, partial input, hostile frames") {
  Snapshot s{std::string(kUsersHeader) + "a@b.test:5:5:/h::\n", "b.test\n", ""};
  std::string wire = EncodeFrame(s) + EncodeFrame(s);
  std::string buffer;
  int got = 0;
  for (char c : wire) {  // one byte at a time: every prefix is "incomplete"
    buffer += c;
    auto f = DecodeFrame(&buffer);
    REQUIRE(f);
    if (*f) {
      CHECK(**f == s);
      ++got;
    }
  }
  CHECK(got == 2);
  CHECK(buffer.empty());
  for (std::string bad : {"x:", "3:abc;", ":", "01:a,", "99999999999999999999:", "3:abc,2:ab;"}) {
    std::string b = bad;
    auto f = DecodeFrame(&b);
    CHECK_FALSE(f);
  }
  CHECK_FALSE(CheckSnapshot({"a@b.test:5:5:/h::\n", "", ""}));                      // no header
  CHECK_FALSE(CheckSnapshot({std::string(kUsersHeader) + "a@b.test:0:5:/h::\n", "", ""}));  // uid 0
  CHECK_FALSE(CheckSnapshot({std::string(kUsersHeader), "x", ""}));                 // no line end
  CHECK_FALSE(CheckSnapshot({std::string(kUsersHeader), std::string("a\0b\n", 4), ""}));
}
