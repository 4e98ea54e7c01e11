#include <catch2/catch.hpp>

#include "send/recipient_lookup.h"
#include "send/recipient_request.h"

using namespace ms::send;
using namespace std::string_literals;

namespace {

AccountLookup Accounts() {
  AccountLookup a;
  a.getpw = [](const std::string& name) -> std::optional<SystemAccount> {
    if (name == "joe") return SystemAccount{"joe", 1000, 1000, "/home/joe"};
    if (name == "root") return SystemAccount{"root", 0, 0, "/root"};
    if (name == "gidzero") return SystemAccount{"gidzero", 1500, 0, "/home/gidzero"};
    if (name == "shadowy") return SystemAccount{"shadowy", 1501, 42, "/home/shadowy"};
    if (name == "daemon") return SystemAccount{"daemon", 1, 1, "/usr/sbin"};
    if (name == "squatter") return SystemAccount{"squatter", 1502, 1502, "/home/joe"};
    return std::nullopt;
  };
  // Every home is owned by the uid whose name it carries (root's by 0).
  a.owns_home = [](const std::string& dir, uid_t uid) {
    if (dir == "/home/joe") return uid == 1000;
    if (dir == "/root" || dir == "/usr/sbin") return uid == 0 || uid == 1;
    return true;
  };
  return a;
}

RecipientRequest To(const std::string& local, const std::string& domain = "example.test") {
  return RecipientRequest{7, local, local, domain, "sender@example.org"};
}

}  // namespace

TEST_CASE("recipient request: exactly five fields", "[send][spawner]") {
  RecipientRequest r{42, "v-joe", "joe", "example.test", ""};
  auto d = DecodeRecipientRequest(EncodeRecipientRequest(r));
  REQUIRE(d);
  CHECK(d->job == 42);
  CHECK(d->local == "v-joe");
  CHECK(d->original_local == "joe");
  CHECK(d->domain == "example.test");
  CHECK(d->sender.empty());
  CHECK_FALSE(DecodeRecipientRequest(""));
  CHECK_FALSE(DecodeRecipientRequest("1\0a\0a\0d\0s"s));        // no final NUL
  CHECK_FALSE(DecodeRecipientRequest("1\0a\0a\0d\0"s));         // four fields
  CHECK_FALSE(DecodeRecipientRequest("x\0a\0a\0d\0s\0"s));      // job not a number
  // The old request, an account and a delivery instruction chosen by the
  // scheduler: refused whole.
  CHECK_FALSE(DecodeRecipientRequest(
      "1\0" "0\0" "0\0" "\0" "root\0/root\0root\0\0\0example.test\0\0|cat /etc/shadow\0"s));
  CHECK_FALSE(DecodeRecipientRequest("1\0a\0a\0d\0s\0|cat /etc/shadow\0"s));
  CHECK_FALSE(DecodeRecipientRequest("1\0"s + std::string(5000, 'a') + "\0a\0d\0s\0"s));
}

TEST_CASE("the root spawner's account rules", "[send][spawner]") {
  auto a = Accounts();
  CHECK(RefuseAccount(1000, 1000, "/home/joe", a).empty());
  CHECK(RefuseAccount(0, 1000, "/home/joe", a) == "uid 0");
  CHECK(RefuseAccount(1000, 0, "/home/joe", a) == "gid 0");
  CHECK(RefuseAccount(1, 1000, "/home/joe", a) == "system uid 1");
  CHECK(RefuseAccount(1000, 42, "/home/joe", a) == "system gid 42");
  CHECK(RefuseAccount(1502, 1502, "/home/joe", a) == "home /home/joe not owned by uid 1502");
  CHECK(RefuseAccount(kFirstUserId, kFirstUserId, "/x", a).empty());
  CHECK(RefuseAccount(65534, 65534, "/x", a).empty());  // nobody/nogroup
}

TEST_CASE("the spawner decides the account and the default delivery", "[send][spawner]") {
  RecipientLookup lookup("/nonexistent/users", "./Maildir/", true, Accounts());
  auto r = lookup.Resolve(To("joe-list"));
  REQUIRE(r.request);
  CHECK(r.request->job == 7);
  CHECK(r.request->uid == 1000);
  CHECK(r.request->gid == 1000);
  CHECK(r.request->args == std::vector<std::string>{"joe", "/home/joe", "joe-list", "-", "list",
                                                     "example.test", "sender@example.org",
                                                     "./Maildir/"});
  CHECK(r.refused.empty());
  // root is skipped (qmail-getpw) and logged; nothing else matches
  r = lookup.Resolve(To("root"));
  CHECK_FALSE(r.request);
  CHECK(r.exit_code == 100);
  CHECK(r.reason == "Sorry, no mailbox here by that name. (#5.1.1)");
  CHECK(r.refused == "root: uid 0");
  for (const char* name : {"gidzero", "shadowy", "daemon", "squatter"}) {
    r = lookup.Resolve(To(name));
    CHECK_FALSE(r.request);
    CHECK(r.exit_code == 100);
    CHECK_FALSE(r.refused.empty());
  }
  CHECK(lookup.Resolve(To("gidzero")).refused == "gidzero: gid 0");
  CHECK(lookup.Resolve(To("shadowy")).refused == "shadowy: system gid 42");
  CHECK(lookup.Resolve(To("nobody-here")).refused.empty());
  // A spawner that switches nobody (not root) applies no account rules.
  RecipientLookup as_user("/nonexistent/users", "./Maildir/", false, Accounts());
  CHECK(as_user.Resolve(To("shadowy")).request);
}
