#include <catch2/catch.hpp>

#include "text.h"

using namespace std::string_literals;

TEST_CASE("case-insensitive comparisons fold ASCII only", "[lib][text]") {
  CHECK(ms::EqualsIgnoringCase("MAIL FROM", "mail from"));
  CHECK_FALSE(ms::EqualsIgnoringCase("MAIL", "MAILX"));
  CHECK_FALSE(ms::EqualsIgnoringCase("\xc3\x84", "\xc3\xa4"));  // no Unicode folding
  CHECK_FALSE(ms::EqualsIgnoringCase("a\0b"s, "a\0c"s));
  CHECK(ms::EqualsIgnoringCase("a\0B"s, "A\0b"s));
  CHECK(ms::EqualsIgnoringCase("", ""));
  CHECK(ms::StartsWithIgnoringCase("Delivered-To: x", "delivered-to:"));
  CHECK_FALSE(ms::StartsWithIgnoringCase("Deliv", "delivered-to:"));
  CHECK_FALSE(ms::EqualsIgnoringCase("[", "{"));  // 0x5b vs 0x7b: not letters
}
