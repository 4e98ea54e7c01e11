#include <catch2/catch.hpp>

#include <string>

#include "local/dot_file.h"
#include "local/dot_search.h"

using namespace std::string_literals;
using ms::local::Delivery;
using ms::local::ParseDotFile;

TEST_CASE("dot file: every line form", "[local]") {
  auto r = ParseDotFile("# comment\n./Maildir/\n./mbox\n/var/mail/joe\n|preline procmail\n&joe@example.org\nbob@example.net\n"s, false);
  REQUIRE(r.ok());
  const auto& ins = r->instructions;
  REQUIRE(ins.size() == 6);
  CHECK(ins[0].kind == Delivery::kMaildir);
  CHECK(ins[0].target == "./Maildir/");
  CHECK(ins[0].line == 2);
  CHECK(ins[1].kind == Delivery::kMbox);
  CHECK(ins[2].kind == Delivery::kMbox);
  CHECK(ins[2].target == "/var/mail/joe");
  CHECK(ins[3].kind == Delivery::kProgram);
  CHECK(ins[3].target == "preline procmail");
  CHECK(ins[4].kind == Delivery::kForward);
  CHECK(ins[4].target == "joe@example.org");
  CHECK(ins[5].kind == Delivery::kForward);
  CHECK(ins[5].target == "bob@example.net");
}

TEST_CASE("dot file: comments only throw mail away; no final newline is fine", "[local]") {
  auto r = ParseDotFile("#\n"s, false);
  REQUIRE(r.ok());
  CHECK(r->instructions.empty());
  auto s = ParseDotFile("./Maildir/"s, false);
  REQUIRE(s.ok());
  REQUIRE(s->instructions.size() == 1);
  CHECK(s->instructions[0].kind == Delivery::kMaildir);
}

TEST_CASE("dot file: CRLF and trailing blanks are dropped", "[local]") {
  auto r = ParseDotFile("./Maildir/\r\n./mbox \t\r\n&  a@b.example \r\n"s, false);
  REQUIRE(r.ok());
  REQUIRE(r->instructions.size() == 3);
  CHECK(r->instructions[0].kind == Delivery::kMaildir);  // not an mbox named "Maildir/\r"
  CHECK(r->instructions[0].target == "./Maildir/");
  CHECK(r->instructions[1].target == "./mbox");
  CHECK(r->instructions[2].target == "a@b.example");
}

TEST_CASE("dot file: blank lines", "[local]") {
  auto first = ParseDotFile("\n./Maildir/\n"s, false);
  REQUIRE(!first.ok());
  CHECK(first.error().code == 111);
  CHECK(first.error().message.find("first line") != std::string::npos);
  auto later = ParseDotFile("./Maildir/\n\n   \n./mbox\n"s, false);
  REQUIRE(later.ok());
  CHECK(later->instructions.size() == 2);
}

TEST_CASE("dot file: hostile content is refused with the line number", "[local]") {
  auto nul = ParseDotFile("./Maildir/\n./mb\0ox\n"s, false);
  REQUIRE(!nul.ok());
  CHECK(nul.error().code == 111);
  CHECK(nul.error().message.find("line 2") != std::string::npos);
  CHECK(nul.error().message.find("NUL") != std::string::npos);

  std::string huge(ms::local::kMaxDotLine + 1, 'a');
  auto big = ParseDotFile(huge, false);
  REQUIRE(!big.ok());
  CHECK(big.error().message.find("too long") != std::string::npos);

  std::string too_big(ms::local::kMaxDotFileSize + 1, '#');
  CHECK(!ParseDotFile(too_big, false).ok());

  CHECK(!ParseDotFile("./../other/Maildir/\n"s, false).ok());
  CHECK(!ParseDotFile("/home/joe/../../etc/passwd\n"s, false).ok());
  CHECK(!ParseDotFile("./mb\x01ox\n"s, false).ok());
  CHECK(!ParseDotFile("&joe @example.com\n"s, false).ok());
  CHECK(!ParseDotFile("&\n"s, false).ok());
  CHECK(!ParseDotFile("&a\x7f@example.com\n"s, false).ok());
  CHECK(!ParseDotFile("|\n"s, false).ok());
  CHECK(!ParseDotFile(std::string("&") + std::string(300, 'x') + "@example.com\n", false).ok());
  // ".." inside a name is fine; only a whole component climbs.
  CHECK(ParseDotFile("./mail..box\n"s, false).ok());
}

TEST_CASE("dot file: forward-only (x bit, +list)", "[local]") {
  CHECK(ParseDotFile("&a@example.com\nb@example.com\n"s, true).ok());
  auto file = ParseDotFile("&a@example.com\n./Maildir/\n"s, true);
  REQUIRE(!file.ok());
  CHECK(file.error().message.find("line 2") != std::string::npos);
  CHECK(!ParseDotFile("|cat\n"s, true).ok());
  CHECK(ParseDotFile("./Maildir/\n+list\n&a@example.com\n"s, false).ok());
  CHECK(!ParseDotFile("+list\n./Maildir/\n"s, false).ok());
}

TEST_CASE("dot file: .. components", "[local]") {
  using ms::local::HasDotDotComponent;
  CHECK(HasDotDotComponent(".."));
  CHECK(HasDotDotComponent("../x"));
  CHECK(HasDotDotComponent("a/../b"));
  CHECK(HasDotDotComponent("a/.."));
  CHECK(!HasDotDotComponent("a/..b/c"));
  CHECK(!HasDotDotComponent("./Maildir/"));
}

TEST_CASE("dot file search order, as qmail-local", "[local]") {
  auto names = [](std::string_view dash, std::string_view ext) {
    std::vector<std::string> out;
    for (const auto& c : ms::local::DotFileCandidates(dash, ext)) out.push_back(c.name);
    return out;
  };
  CHECK(names("", "") == std::vector<std::string>{".mailsuite", ".qmail"});
  CHECK(names("-", "foo-bar") ==
        std::vector<std::string>{".mailsuite-foo-bar", ".qmail-foo-bar", ".mailsuite-foo-default",
                                 ".qmail-foo-default", ".mailsuite-default", ".qmail-default"});
  // Lower-cased, '.' cannot form a hidden path, '/' cannot form a path.
  CHECK(names("-", "A.b/c")[1] == ".qmail-a:b:c");
  auto c = ms::local::DotFileCandidates("-", "Foo-Bar");
  CHECK(c[2].is_default);
  CHECK(c[2].default_part == "Bar");  // $DEFAULT keeps the original case
  CHECK(c[4].default_part == "Foo-Bar");
  CHECK(!c[0].is_default);
  auto exact = ms::local::DotFileCandidates("-", "default");
  CHECK(exact[0].name == ".mailsuite-default");
  CHECK(exact.size() == 2);  // no duplicate .qmail-default fallback
}
