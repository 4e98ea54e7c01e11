#include <catch2/catch.hpp>

#include <unistd.h>

#include "fd.h"
#include "lib_test_util.h"
#include "password.h"
#include "pop3d/checkpassword_auth.h"
#include "pop3d/checkpassword_login.h"
#include "pop3d/checkpassword_request.h"

using namespace std::string_literals;
namespace cp = ms::checkpassword;

namespace {

cp::Request Req(std::string user, std::string password) {
  cp::Request r;
  r.user = std::move(user);
  r.password = std::move(password);
  return r;
}

}  // namespace

TEST_CASE("checkpassword: request parsing", "[pop3d][checkpassword]") {
  auto r = cp::ParseRequest("alice@x.example\0secret\0<123.456@host>\0"s);
  REQUIRE(r.ok());
  CHECK(r->user == "alice@x.example");
  CHECK(r->password == "secret");
  CHECK(r->timestamp == "<123.456@host>");
  auto no_ts = cp::ParseRequest("u\0p\0"s);
  REQUIRE(no_ts.ok());
  CHECK(no_ts->timestamp.empty());
  auto unterminated_ts = cp::ParseRequest("u\0p\0ts"s);
  REQUIRE(unterminated_ts.ok());
  CHECK(unterminated_ts->timestamp.empty());
  auto empty = cp::ParseRequest("\0\0"s);
  REQUIRE(empty.ok());
  CHECK(empty->user.empty());
  auto extra = cp::ParseRequest("u\0p\0t\0more\0"s);
  REQUIRE(extra.ok());
  CHECK(extra->password == "p");
  for (std::string bad : {""s, "u"s, "u\0"s, "u\0p"s}) {
    INFO(bad.size());
    CHECK(!cp::ParseRequest(bad).ok());
  }
  CHECK(cp::ParseRequest(std::string(510, 'u') + "\0\0"s).ok());
  CHECK(!cp::ParseRequest(std::string(511, 'u') + "\0\0"s).ok());
}

TEST_CASE("checkpassword: reading fd 3 is bounded", "[pop3d][checkpassword]") {
  auto feed = [](const std::string& data) {
    return cp::ReadRequest(ms::test::PipeWith(data).get(), ms::Deadline::AfterSeconds(5));
  };
  CHECK(*feed("u\0p\0t\0"s) == "u\0p\0t\0"s);
  CHECK(feed(std::string(512, 'x')).ok());
  CHECK(!feed(std::string(513, 'x')).ok());
  CHECK(!cp::ReadRequest(9999, ms::Deadline::AfterSeconds(5)).ok());  // not an open fd
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  REQUIRE(ms::WriteAll(w.get(), "u\0p"s));  // writer never closes
  auto timed = cp::ReadRequest(r.get(), ms::Deadline::AfterMs(20));
  REQUIRE(!timed.ok());
  CHECK_THAT(timed.error().message, Catch::Contains("timed out"));
}

TEST_CASE("checkpassword: users database decisions", "[pop3d][checkpassword]") {
  ms::test::TempDir dir;
  auto sha = ms::HashPassword("right", ms::HashScheme::kSha512);
  auto yes = ms::HashPassword("yes-pass", ms::HashScheme::kYescrypt);
  REQUIRE(sha.ok());
  REQUIRE(yes.ok());
  std::string users = dir.Write("users",
      "alice@example.com:2001:2002:/var/vmail/alice:" + *sha + ":\n" +
      "bob@example.com:2003:2003:/var/vmail/bob:" + *yes + ":\n" +
      "nologin@example.com:2004:2004:/var/vmail/n::\n" +
      "locked@example.com:2005:2005:/var/vmail/l:!" + *sha + ":\n" +
      "broken@example.com:0:0:/var/vmail/b:" + *sha + ":\n" +
      "weird@example.com:2006:2006:/var/vmail/w:$unknown$xx:\n");
  cp::AuthOptions o{users, false};
  auto ok = cp::Authenticate(Req("alice@EXAMPLE.com", "right"), o);
  REQUIRE(ok.verdict == cp::Verdict::kOk);
  CHECK(ok.account.user == "alice@example.com");
  CHECK(ok.account.uid == 2001);
  CHECK(ok.account.gid == 2002);
  CHECK(ok.account.home == "/var/vmail/alice");
  CHECK(!ok.account.system);
  CHECK(cp::Authenticate(Req("bob@example.com", "yes-pass"), o).verdict == cp::Verdict::kOk);
  CHECK(cp::Authenticate(Req("alice@example.com", "wrong"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("alice@example.com", ""), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("Alice@example.com", "right"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("nobody@example.com", "right"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("nologin@example.com", ""), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("locked@example.com", "right"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("", "right"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("a@b@c", "right"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req("alice@example.com\nx", "right"), o).verdict == cp::Verdict::kBadLogin);
  CHECK(cp::Authenticate(Req(std::string(300, 'a') + "@x", "right"), o).verdict ==
        cp::Verdict::kBadLogin);
  // Operator errors are temporary failures, never a login decision.
  CHECK(cp::Authenticate(Req("broken@example.com", "right"), o).verdict == cp::Verdict::kTemporary);
  CHECK(cp::Authenticate(Req("weird@example.com", "x"), o).verdict == cp::Verdict::kTemporary);
  cp::AuthOptions unreadable{dir.path(), false};
  CHECK(cp::Authenticate(Req("alice@example.com", "right"), unreadable).verdict ==
        cp::Verdict::kTemporary);
  cp::AuthOptions missing{dir / "absent", false};
  CHECK(cp::Authenticate(Req("alice@example.com", "right"), missing).verdict ==
        cp::Verdict::kBadLogin);
}

TEST_CASE("checkpassword: system accounts only when enabled", "[pop3d][checkpassword]") {
  ms::test::TempDir dir;
  cp::AuthOptions off{dir / "users", false};
  auto d = cp::Authenticate(Req("root", "anything"), off);
  CHECK(d.verdict == cp::Verdict::kBadLogin);
  CHECK_THAT(d.reason, Catch::Contains("checkpasswordsystem"));
  cp::AuthOptions on{dir / "users", true};
  CHECK(cp::Authenticate(Req("no-such-system-user-xyz", "x"), on).verdict == cp::Verdict::kBadLogin);
  auto root = cp::Authenticate(Req("root", "surely not root's password"), on);
  if (::geteuid() == 0) CHECK(root.verdict == cp::Verdict::kBadLogin);
  else CHECK(root.verdict == cp::Verdict::kTemporary);  // shadow unreadable
}

TEST_CASE("checkpassword: environment and user switch", "[pop3d][checkpassword]") {
  ms::test::ScopedEnv u("USER", std::nullopt), h("HOME", "/keep"), s("SHELL", std::nullopt);
  cp::Account a{"alice@example.com", 2001, 2002, "/var/vmail/alice", "/usr/sbin/nologin", false};
  REQUIRE(cp::SetLoginEnvironment(a).ok());
  CHECK(std::string(::getenv("USER")) == "alice@example.com");
  CHECK(std::string(::getenv("HOME")) == "/var/vmail/alice");
  CHECK(std::string(::getenv("SHELL")) == "/usr/sbin/nologin");
  if (::geteuid() == 0) {
    // Only the refusal can be tested in-process: a real switch would drop
    // the test runner's privileges (the integration test covers it).
    cp::Account root{"r@x", 0, 5, "/", "/bin/sh", false};
    auto refused = cp::BecomeUser(root);
    REQUIRE(!refused.ok());
    CHECK(refused.error().code == 1);
    cp::Account root_group{"r@x", 5, 0, "/", "/bin/sh", false};
    CHECK(cp::BecomeUser(root_group).error().code == 1);
  } else {
    CHECK(cp::BecomeUser(a).ok());  // nothing to switch
  }
  char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
  cp::Account nohome{"x@y", 1, 1, "/nonexistent/home", "/bin/sh", false};
  auto exec = cp::ExecNext(nohome, argv);
  REQUIRE(!exec.ok());
  CHECK(exec.error().code == 111);
}
