#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "control/users_edit.h"
#include "fd.h"
#include "lib_test_util.h"
#include "users.h"

using namespace std::string_literals;

namespace {

ms::UserEntry Entry(std::string address, uid_t uid = 10) {
  ms::UserEntry e;
  e.address = std::move(address);
  e.uid = uid;
  e.gid = uid;
  e.home = "/home/" + std::to_string(uid);
  e.hash = "$6$salt$hash";
  return e;
}

}  // namespace

TEST_CASE("users edit: add keeps every other line byte for byte", "[control][users]") {
  std::string text = "# header comment\nbroken line kept\na@x.example:1:1:/a::";  // no final newline
  auto added = ms::control::AddUserToText(text, Entry("b@x.example"));
  REQUIRE(added.ok());
  CHECK(*added == "# header comment\nbroken line kept\na@x.example:1:1:/a::\nb@x.example:10:10:/home/10:$6$salt$hash:\n");
  auto dup = ms::control::AddUserToText(*added, Entry("A@X.EXAMPLE"));
  CHECK(dup.ok());  // local parts are case-sensitive: a different user
  auto same = ms::control::AddUserToText(*added, Entry("a@X.Example"));
  REQUIRE(!same.ok());
  CHECK(same.error().code == ms::control::kExitNotFound);
  CHECK(ms::control::AddUserToText("", Entry("first@x.example")).ok());
  auto invalid = ms::control::AddUserToText("", Entry("bad address"));
  REQUIRE(!invalid.ok());
  CHECK(invalid.error().code == ms::control::kExitUsage);
  ms::UserEntry root_uid = Entry("r@x.example", 0);
  CHECK(!ms::control::AddUserToText("", root_uid).ok());
}

TEST_CASE("users edit: delete and passwd", "[control][users]") {
  std::string text = "# c\na@x.example:1:1:/a:$6$old$old:5C\nb@x.example:2:2:/b::\n";
  auto del = ms::control::DeleteUserFromText(text, "A@x.example");
  REQUIRE(!del.ok());
  CHECK(del.error().code == ms::control::kExitNotFound);
  del = ms::control::DeleteUserFromText(text, "a@X.EXAMPLE");
  REQUIRE(del.ok());
  CHECK(*del == "# c\nb@x.example:2:2:/b::\n");
  auto pw = ms::control::SetUserHashInText(text, "a@x.example", "$6$new$new");
  REQUIRE(pw.ok());
  CHECK(*pw == "# c\na@x.example:1:1:/a:$6$new$new:5C\nb@x.example:2:2:/b::\n");
  CHECK(ms::control::SetUserHashInText(text, "z@x.example", "$6$n$n").error().code ==
        ms::control::kExitNotFound);
  auto broken = ms::control::SetUserHashInText("a@x.example:0:1:/a::\n", "a@x.example", "$6$n$n");
  REQUIRE(!broken.ok());
  CHECK(broken.error().code == ms::control::kExitTemporary);
  CHECK(ms::control::DeleteUserFromText(text, "not an address").error().code ==
        ms::control::kExitUsage);
}

TEST_CASE("users edit: the file is rewritten atomically with its mode", "[control][users]") {
  ms::test::TempDir dir;
  std::string path = dir / "users";
  REQUIRE(ms::control::EditUsersFile(path, [](std::string_view t) {
            return ms::control::AddUserToText(t, Entry("a@x.example"));
          }).ok());
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  REQUIRE(ms::control::EditUsersFile(path, [](std::string_view t) {
            return ms::control::AddUserToText(t, Entry("b@x.example", 11));
          }).ok());
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  auto db = ms::ParseUsers(dir.Read("users"));
  CHECK(db.entries.size() == 2);
  // A failing edit leaves the file untouched.
  std::string before = dir.Read("users");
  auto failed = ms::control::EditUsersFile(path, [](std::string_view t) {
    return ms::control::DeleteUserFromText(t, "zz@x.example");
  });
  REQUIRE(!failed.ok());
  CHECK(failed.error().code == ms::control::kExitNotFound);
  CHECK(dir.Read("users") == before);
  CHECK(!ms::control::EditUsersFile(dir / "no/dir/users", [](std::string_view t) {
           return ms::Result<std::string>(std::string(t));
         }).ok());
}

TEST_CASE("users edit: concurrent editors lose no update (flock)", "[control][users]") {
  ms::test::TempDir dir;
  std::string path = dir / "users";
  std::vector<std::thread> threads;
  // flock locks belong to open file descriptions, so threads exclude each
  // other exactly as processes do.
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &path] {
      for (int i = 0; i < 10; ++i) {
        std::string address = "u" + std::to_string(t) + "-" + std::to_string(i) + "@x.example";
        CHECK(ms::control::EditUsersFile(path, [&](std::string_view text) {
                return ms::control::AddUserToText(text, Entry(address, 100 + t));
              }).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto db = ms::ParseUsers(dir.Read("users"));
  CHECK(db.entries.size() == 40);
  CHECK(db.errors.empty());
}

TEST_CASE("users edit: ReadPasswordLine", "[control][users]") {
  auto feed = [](const std::string& data) {
    return ms::control::ReadPasswordLine(ms::test::PipeWith(data).get());
  };
  CHECK(*feed("secret\n") == "secret");
  CHECK(*feed("secret\r\nignored second line\n") == "secret");
  CHECK(*feed("no newline") == "no newline");
  CHECK(*feed("with spaces  \n") == "with spaces  ");
  CHECK(feed("").error().code == ms::control::kExitUsage);
  CHECK(feed("\n").error().code == ms::control::kExitUsage);
  CHECK(feed("a\0b\n"s).error().code == ms::control::kExitUsage);
  CHECK(feed(std::string(511, 'p') + "\n").ok());
  CHECK(feed(std::string(512, 'p') + "\n").error().code == ms::control::kExitUsage);
  CHECK(feed(std::string(60000, 'p')).error().code == ms::control::kExitUsage);
  CHECK(ms::control::ReadPasswordLine(-1).error().code == ms::control::kExitTemporary);
}
