#include <catch2/catch.hpp>

#include <string>

#include "pop3d/command.h"

using namespace std::string_literals;
using ms::pop3d::ParseCommand;
using ms::pop3d::ParseError;
using ms::pop3d::ParseNumber;
using ms::pop3d::Verb;

TEST_CASE("pop3 command keywords are case-insensitive", "[pop3d]") {
  ParseError e;
  auto c = ParseCommand("rEtR 12", &e);
  REQUIRE(c);
  CHECK(c->verb == Verb::kRetr);
  REQUIRE(c->args.size() == 1);
  CHECK(c->args[0] == "12");
  CHECK(ParseCommand("top 1 0", &e)->verb == Verb::kTop);
  CHECK(ParseCommand("XTND", &e)->verb == Verb::kUnknown);
  CHECK(ParseCommand("STATS", &e) == std::nullopt);
  CHECK(e == ParseError::kBadKeyword);
}

TEST_CASE("pop3 PASS keeps spaces in the password", "[pop3d]") {
  ParseError e;
  auto c = ParseCommand("PASS  two words ", &e);
  REQUIRE(c);
  REQUIRE(c->args.size() == 1);
  CHECK(c->args[0] == " two words ");
  auto bare = ParseCommand("PASS", &e);
  REQUIRE(bare);
  CHECK(bare->args.empty());
}

TEST_CASE("pop3 hostile command lines are refused", "[pop3d]") {
  ParseError e;
  CHECK(!ParseCommand("", &e));
  CHECK(e == ParseError::kEmpty);
  CHECK(!ParseCommand("USER a\0b"s, &e));
  CHECK(e == ParseError::kBadCharacter);
  CHECK(!ParseCommand("PASS se\x01" "cret", &e));
  CHECK(e == ParseError::kBadCharacter);
  CHECK(!ParseCommand("RETR\t1", &e));
  CHECK(!ParseCommand("\x7f" "STAT", &e));
  CHECK(!ParseCommand(" STAT", &e));
  CHECK(e == ParseError::kBadKeyword);
  CHECK(!ParseCommand("R3TR 1", &e));
  CHECK(!ParseCommand("TOP 1 2 3 4 5", &e));
  CHECK(e == ParseError::kTooManyArguments);
  CHECK(!ParseCommand(std::string(600, 'A'), &e));
  auto extra = ParseCommand("LIST   1  ", &e);
  REQUIRE(extra);
  CHECK(extra->args.size() == 1);
}

TEST_CASE("pop3 message numbers", "[pop3d]") {
  CHECK(ParseNumber("1") == 1u);
  CHECK(ParseNumber("0007") == 7u);
  CHECK(ParseNumber("999999999") == 999999999u);
  CHECK(!ParseNumber("1000000000"));
  CHECK(!ParseNumber("99999999999999999999999"));
  CHECK(!ParseNumber(""));
  CHECK(!ParseNumber("-1"));
  CHECK(!ParseNumber("+1"));
  CHECK(!ParseNumber("1x"));
  CHECK(!ParseNumber("0x10"));
}
