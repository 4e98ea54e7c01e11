#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "control/cdb_build.h"
#include "lib_test_util.h"

using namespace std::string_literals;

TEST_CASE("control: ParseControlLines", "[lib][control]") {
  using V = std::vector<std::string>;
  CHECK(ms::ParseControlLines("") == V{});
  CHECK(ms::ParseControlLines("one") == V{"one"});
  CHECK(ms::ParseControlLines("one\ntwo\n") == V{"one", "two"});
  CHECK(ms::ParseControlLines("# comment\none  \t\r\n\n\n  \ntwo") == V{"one", "two"});
  CHECK(ms::ParseControlLines("a # not a comment\n") == V{"a # not a comment"});
  CHECK(ms::ParseControlLines("  leading\n") == V{"  leading"});  // only trailing space goes
  CHECK(ms::ParseControlLines("crlf\r\nline\r\n") == V{"crlf", "line"});
  CHECK(ms::ParseControlLines("nul\0rest\nnext\n"s) == V{"nul", "next"});
  CHECK(ms::ParseControlLines("\0hidden\n"s) == V{});
  CHECK(ms::ParseControlLines("#\n#x\n") == V{});
  std::string huge(10 * 1024 * 1024, 'x');
  auto big = ms::ParseControlLines(huge + "\nsmall\n");
  REQUIRE(big.size() == 2);
  CHECK(big[0].size() == huge.size());
}

TEST_CASE("control: Line uses the first value, default when missing or empty", "[lib][control]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  CHECK(c.PathOf("me") == dir.path() + "/me");
  CHECK(*c.Line("absent", "fallback") == "fallback");
  dir.Write("empty", "");
  CHECK(*c.Line("empty", "fallback") == "fallback");
  dir.Write("comments", "# only\n\n");
  CHECK(*c.Line("comments", "fallback") == "fallback");
  dir.Write("greeting", "# banner\nmail.example.com ESMTP  \nsecond\n");
  CHECK(*c.Line("greeting", "x") == "mail.example.com ESMTP");
  auto lines = c.Lines("greeting");
  REQUIRE(lines.ok());
  CHECK(*lines == std::vector<std::string>{"mail.example.com ESMTP", "second"});
  CHECK(c.Lines("absent")->empty());
}

TEST_CASE("control: unreadable file is an error naming it", "[lib][control]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  REQUIRE(::mkdir((dir / "rcpthosts").c_str(), 0755) == 0);  // read(2) fails: EISDIR
  auto r = c.Lines("rcpthosts");
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains(dir / "rcpthosts"));
  CHECK(!c.Line("rcpthosts", "x").ok());
  CHECK(!c.Number("rcpthosts", 1, 0, 2).ok());
}

TEST_CASE("control: Number with range checks", "[lib][control]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  CHECK(*c.Number("databytes", 7, 0, 100) == 7);
  dir.Write("databytes", "# limit\n42  \n");
  CHECK(*c.Number("databytes", 7, 0, 100) == 42);
  dir.Write("databytes", "-5\n");
  CHECK(*c.Number("databytes", 7, -10, 100) == -5);
  dir.Write("databytes", "100\n");
  CHECK(*c.Number("databytes", 7, 0, 100) == 100);
  for (auto bad : {"101", "-1", "12abc", "abc", "1.5", "+3", " 4", "0x10", "99999999999999999999999",
                   "-99999999999999999999999"}) {
    INFO(bad);
    dir.Write("databytes", std::string(bad) + "\n");
    auto r = c.Number("databytes", 7, 0, 100);
    REQUIRE(!r.ok());
    CHECK_THAT(r.error().message, Catch::Contains(dir / "databytes"));
  }
  dir.Write("databytes", "500\n");
  CHECK_THAT(c.Number("databytes", 7, 0, 100).error().message, Catch::Contains("out of range"));
  dir.Write("databytes", "1\0 junk\n"s);
  CHECK(*c.Number("databytes", 7, 0, 100) == 1);
}

TEST_CASE("control: Me and LineOrMe", "[lib][control]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  CHECK(*c.Me() == host);
  CHECK(*c.LineOrMe("smtpgreeting") == host);
  dir.Write("me", "mail.example.test\n");
  CHECK(*c.Me() == "mail.example.test");
  CHECK(*c.LineOrMe("smtpgreeting") == "mail.example.test");
  dir.Write("smtpgreeting", "hello there\n");
  CHECK(*c.LineOrMe("smtpgreeting") == "hello there");
}

TEST_CASE("control: default directory comes from ControlDir()", "[lib][control]") {
  ms::test::ScopedEnv env("MAILSUITE_CONTROL", "/some/where");
  CHECK(ms::Control().dir() == "/some/where");
}

TEST_CASE("control: cdb lookups", "[lib][control]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  CHECK(*c.CdbContains("missing.cdb", "x") == false);
  CHECK(c.CdbLookup("missing.cdb", "x")->empty());
  REQUIRE(ms::control::WriteCdbAtomic(dir / "t.cdb",
                                      {{"example.com", ""},
                                       {"multi", "one"},
                                       {"multi", "two"},
                                       {"bin\0key"s, "bin\0data"s},
                                       {"", "empty key"}},
                                      0644)
              .ok());
  CHECK(*c.CdbContains("t.cdb", "example.com"));
  CHECK(!*c.CdbContains("t.cdb", "EXAMPLE.COM"));  // keys are exact; callers lower-case
  CHECK(!*c.CdbContains("t.cdb", "example.co"));
  CHECK(*c.CdbLookup("t.cdb", "multi") == std::vector<std::string>{"one", "two"});
  CHECK(*c.CdbLookup("t.cdb", "bin\0key"s) == std::vector<std::string>{"bin\0data"s});
  CHECK(*c.CdbLookup("t.cdb", "") == std::vector<std::string>{"empty key"});
  CHECK(access((dir / "t.cdb.tmp").c_str(), F_OK) != 0);
}

TEST_CASE("control: a corrupt cdb is an error, not a silent no", "[lib][control]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  dir.Write("short.cdb", "garbage");
  auto r = c.CdbContains("short.cdb", "example.com");
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("short.cdb"));
  // A table pointing past the end of the file.
  std::string bad(2048, '\0');
  for (size_t i = 0; i < 2048; i += 8) {
    bad[i] = '\xff';
    bad[i + 1] = '\xff';
    bad[i + 4] = '\x05';
  }
  dir.Write("bad.cdb", bad);
  CHECK(!c.CdbContains("bad.cdb", "example.com").ok());
  // A record claiming ~4 GiB of data: refused without allocating it.
  REQUIRE(ms::control::WriteCdbAtomic(dir / "huge.cdb", {{"k", "v"}}, 0644).ok());
  std::string cdb = dir.Read("huge.cdb");
  REQUIRE(cdb.substr(2048 + 8, 1) == "k");
  cdb[2048 + 4] = cdb[2048 + 5] = cdb[2048 + 6] = '\xff';
  cdb[2048 + 7] = '\xf0';
  dir.Write("huge.cdb", cdb);
  auto huge = c.CdbLookup("huge.cdb", "k");
  REQUIRE(!huge.ok());
  CHECK_THAT(huge.error().message, Catch::Contains("corrupt"));
}


TEST_CASE("FirstError keeps the first error and every fallback", "[lib][control]") {
  ms::FirstError errors;
  CHECK(errors.Take(ms::Result<long>(5L), 1L) == 5);
  CHECK_FALSE(errors.failed());
  CHECK(errors.Take(ms::Result<long>(ms::MakeError("first bad file")), 7L) == 7);
  CHECK(errors.Take(ms::Result<std::string>(ms::MakeError("second")), std::string("x")) == "x");
  CHECK(errors.Take(ms::Result<std::string>(std::string("y")), std::string("x")) == "y");
  REQUIRE(errors.failed());
  CHECK(errors.error().message == "first bad file");
}
