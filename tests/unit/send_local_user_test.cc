#include <catch2/catch.hpp>

#include "send/local_user.h"
#include "send/route.h"

using namespace ms::send;
using namespace std::string_literals;

namespace {
SendConfig Config() {
  SendConfig c;
  c.locals = {"example.test"};
  c.envnoathost = "example.test";
  c.virtualdomains = ParseVirtualDomains({"virt.test:v"});
  return c;
}

AccountLookup Fake() {
  AccountLookup a;
  a.getpw = [](const std::string& name) -> std::optional<SystemAccount> {
    if (name == "joe") return SystemAccount{"joe", 1000, 100, "/home/joe"};
    if (name == "joe-list") return SystemAccount{"joe-list", 1001, 100, "/home/list"};
    if (name == "root") return SystemAccount{"root", 0, 0, "/root"};
    if (name == "stale") return SystemAccount{"stale", 1002, 100, "/home/gone"};
    if (name == "v") return SystemAccount{"v", 1003, 100, "/home/v"};
    return std::nullopt;
  };
  a.owns_home = [](const std::string& dir, uid_t uid) {
    return dir != "/home/gone" && (dir != "/root" || uid == 0);
  };
  return a;
}
}  // namespace

TEST_CASE("users database: lib/users.h lines, malformed ones counted", "[send][users]") {
  size_t malformed = 0;
  auto users = ParseUsersDatabase(
      "# comment\n"
      "Alice@Example.test:1000:100:/home/alice:!:1000000S\n"
      "bob@example.test:1001:100:/home/bob:!:\n"
      "nodomain:1:1:/h:!:\n"
      "bad@example.test:-1:1:/h:!:\n"
      "rel@example.test:1:1:relative:!:\n"
      "short@example.test:1:1\n"
      "\n"
      "nul@example.test:1:1:/h\0x:!:\n"s,
      &malformed);
  REQUIRE(users.size() == 2);
  CHECK(users.at("Alice@example.test").uid == 1000);
  CHECK(users.at("Alice@example.test").home == "/home/alice");
  CHECK(users.at("bob@example.test").gid == 100);
  CHECK(malformed == 5);
  CHECK(ParseUsersDatabase(std::string(100000, ':'), &malformed).empty());
  CHECK(malformed == 1);
  CHECK(ParseUsersDatabase("\0\0\0"s, &malformed).empty());
}

TEST_CASE("virtual users match with extensions", "[send][users]") {
  size_t malformed = 0;
  auto users = ParseUsersDatabase(
      "alice@example.test:1000:100:/home/alice:!:\n"
      "alice-lists@example.test:1001:100:/home/lists:!:\n"
      "Carol@example.test:1002:100:/home/carol:!:\n"
      "carol@example.test:1003:100:/home/carol2:!:\n",
      &malformed);
  REQUIRE(malformed == 0);
  auto c = Config();
  auto t = FindLocalTarget(RouteRecipient("Alice@example.test", c), users, Fake());
  REQUIRE(t);
  CHECK(t->user == "alice@example.test");
  CHECK(t->home == "/home/alice");
  CHECK(t->local == "Alice");
  CHECK(t->dash == "");
  CHECK(t->ext == "");
  t = FindLocalTarget(RouteRecipient("alice-foo-bar@example.test", c), users, Fake());
  REQUIRE(t);
  CHECK(t->user == "alice@example.test");
  CHECK(t->dash == "-");
  CHECK(t->ext == "foo-bar");
  // the longest entry wins
  t = FindLocalTarget(RouteRecipient("alice-lists-x@example.test", c), users, Fake());
  REQUIRE(t);
  CHECK(t->uid == 1001);
  CHECK(t->ext == "x");
  // exact local part first, then folded
  CHECK(FindLocalTarget(RouteRecipient("Carol@example.test", c), users, Fake())->uid == 1002);
  CHECK(FindLocalTarget(RouteRecipient("carol@example.test", c), users, Fake())->uid == 1003);
  CHECK(FindLocalTarget(RouteRecipient("CAROL@example.test", c), users, Fake())->uid == 1003);
}

TEST_CASE("system accounts the qmail-getpw way", "[send][users]") {
  std::map<std::string, VirtualUser> none;
  auto c = Config();
  auto t = FindLocalTarget(RouteRecipient("JOE@example.test", c), none, Fake());
  REQUIRE(t);
  CHECK(t->user == "joe");
  CHECK(t->uid == 1000);
  CHECK(t->local == "JOE");
  CHECK(t->dash.empty());
  t = FindLocalTarget(RouteRecipient("joe-list-x@example.test", c), none, Fake());
  REQUIRE(t);
  CHECK(t->user == "joe-list");
  CHECK(t->ext == "x");
  t = FindLocalTarget(RouteRecipient("joe-other@example.test", c), none, Fake());
  REQUIRE(t);
  CHECK(t->user == "joe");
  CHECK(t->dash == "-");
  CHECK(t->ext == "other");
  // a virtual domain's prepend names the account
  t = FindLocalTarget(RouteRecipient("anyone@virt.test", c), none, Fake());
  REQUIRE(t);
  CHECK(t->user == "v");
  CHECK(t->local == "v-anyone");
  CHECK(t->ext == "anyone");
  CHECK(t->domain == "virt.test");
}

TEST_CASE("unknown users, root and homeless accounts are not found", "[send][users]") {
  std::map<std::string, VirtualUser> none;
  auto c = Config();
  CHECK_FALSE(FindLocalTarget(RouteRecipient("nobody-here@example.test", c), none, Fake()));
  CHECK_FALSE(FindLocalTarget(RouteRecipient("root@example.test", c), none, Fake()));
  CHECK_FALSE(FindLocalTarget(RouteRecipient("stale@example.test", c), none, Fake()));
  CHECK_FALSE(FindLocalTarget(RouteRecipient("-@example.test", c), none, Fake()));
  CHECK_FALSE(FindLocalTarget(RouteRecipient(std::string(300, 'a') + "@example.test", c), none,
                              Fake()));
}
