#include <catch2/catch.hpp>

#include <string>

#include "fd.h"
#include "pop3d/mailbox_lock.h"
#include "pop3d/maildir.h"
#include "pop3d_test_maildir.h"

using ms::UniqueFd;
using ms::pop3d::FindSizeField;
using ms::pop3d::LockMailbox;
using ms::pop3d::LockOutcome;
using ms::pop3d::Maildir;
using ms::pop3d::UidFor;

TEST_CASE("pop3 maildir size fields", "[pop3d]") {
  uint64_t size = 0;
  CHECK(FindSizeField("1.M1P1.h,S=1234,W=1300", ",S=", &size));
  CHECK(size == 1234);
  CHECK(FindSizeField("1.M1P1.h,S=1234,W=1300", ",W=", &size));
  CHECK(size == 1300);
  CHECK(!FindSizeField("1.M1P1.h,S=", ",S=", &size));
  CHECK(!FindSizeField("1.M1P1.h", ",S=", &size));
}

TEST_CASE("pop3 UIDs: unique part, stable across new/cur, hashed when invalid", "[pop3d]") {
  CHECK(UidFor("1700000000.M1P2.host") == "1700000000.M1P2.host");
  CHECK(UidFor("1700000000.M1P2.host:2,S") == "1700000000.M1P2.host");
  std::string long_name(100, 'a');
  std::string hashed = UidFor(long_name);
  CHECK(hashed.size() == 32);
  CHECK(hashed != UidFor(std::string(101, 'a')));
  CHECK(hashed == UidFor(long_name + ":2,"));
  CHECK(UidFor("with space").size() == 32);
  CHECK(UidFor(":2,").size() == 32);  // empty unique part
}

TEST_CASE("pop3 maildir scan: order, sizes, skips", "[pop3d]") {
  TestMaildir md;
  md.Add("new/1700000002.M1P1.h,S=99", "twelve bytes");
  md.Add("cur/1700000001.M1P1.h:2,S", "abc\n");
  md.Add("new/1600000000.M1P1.h,W=7", "x");
  md.Add("new/.hidden", "x");
  md.Add("tmp/1500000000.M1P1.h", "in delivery");
  UniqueFd dir(md.OpenDir());
  auto scanned = Maildir::Scan(dir.get());
  REQUIRE(scanned.ok());
  auto& list = scanned->messages();
  REQUIRE(list.size() == 3);
  CHECK(list[0].path == "new/1600000000.M1P1.h,W=7");
  CHECK(list[0].size == 7);
  CHECK(list[1].path == "cur/1700000001.M1P1.h:2,S");
  CHECK(list[1].size == 4);  // from stat
  CHECK(list[2].size == 99);  // from the name, not the file
  CHECK(list[1].uid == "1700000001.M1P1.h");
}

TEST_CASE("pop3 maildir scan fails without cur/", "[pop3d]") {
  TestMaildir md;
  std::filesystem::remove(md.path() + "/cur");
  UniqueFd dir(md.OpenDir());
  CHECK(!Maildir::Scan(dir.get()).ok());
}

TEST_CASE("pop3 maildir commit deletes and moves new to cur", "[pop3d]") {
  TestMaildir md;
  md.Add("new/1.M1P1.h", "a\n");
  md.Add("new/2.M1P1.h", "b\n");
  md.Add("cur/3.M1P1.h:2,S", "c\n");
  UniqueFd dir(md.OpenDir());
  auto scanned = Maildir::Scan(dir.get());
  REQUIRE(scanned.ok());
  auto& list = scanned->messages();
  REQUIRE(list.size() == 3);
  list[0].deleted = true;
  list[2].deleted = true;
  CHECK(scanned->Commit() == 0);
  CHECK(!md.Exists("new/1.M1P1.h"));
  CHECK(!md.Exists("cur/3.M1P1.h:2,S"));
  CHECK(md.Exists("cur/2.M1P1.h:2,"));
  // UIDL is the same after the move.
  auto again = Maildir::Scan(dir.get());
  REQUIRE(again.ok());
  REQUIRE(again->messages().size() == 1);
  CHECK(again->messages()[0].uid == "2.M1P1.h");
}

TEST_CASE("pop3 mailbox lock: second holder refused, released on close", "[pop3d]") {
  TestMaildir md;
  auto first = LockMailbox(md.path());
  REQUIRE(first.outcome == LockOutcome::kLocked);
  CHECK(LockMailbox(md.path()).outcome == LockOutcome::kInUse);
  first.dir.reset();
  CHECK(LockMailbox(md.path()).outcome == LockOutcome::kLocked);
  CHECK(LockMailbox(md.path() + "/missing").outcome == LockOutcome::kError);
}
