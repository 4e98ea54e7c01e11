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

TEST_CASE("one decimal parser: digits only, bounded, no overflow", "[lib][text]") {
  using ms::ParseDecimal;
  CHECK(ParseDecimal("0") == 0u);
  CHECK(ParseDecimal("0012") == 12u);
  CHECK(ParseDecimal("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(ParseDecimal("18446744073709551616"));  // overflows
  CHECK_FALSE(ParseDecimal("99999999999999999999999"));
  for (const char* bad : {"", " 1", "1 ", "+1", "-1", "0x10", "1.5", "12a", "\xd9\xa1"}) {
    CHECK_FALSE(ParseDecimal(bad));
  }
  CHECK_FALSE(ParseDecimal(std::string_view("1\0", 2)));
  CHECK(ParseDecimal("4294967294", 4294967294u) == 4294967294u);
  CHECK_FALSE(ParseDecimal("4294967295", 4294967294u));
  CHECK(ParseDecimal("123456789", UINT64_MAX, 9) == 123456789u);
  CHECK_FALSE(ParseDecimal("0123456789", UINT64_MAX, 9));  // too many digits, even as zeros
}

TEST_CASE("one signed decimal parser: an optional minus, bounded, no overflow", "[lib][text]") {
  using ms::ParseSignedDecimal;
  CHECK(ParseSignedDecimal("0") == 0);
  CHECK(ParseSignedDecimal("-0") == 0);
  CHECK(ParseSignedDecimal("-1") == -1);
  CHECK(ParseSignedDecimal("9223372036854775807") == INT64_MAX);
  CHECK(ParseSignedDecimal("-9223372036854775808") == INT64_MIN);
  CHECK_FALSE(ParseSignedDecimal("9223372036854775808"));
  CHECK_FALSE(ParseSignedDecimal("-9223372036854775809"));
  for (const char* bad : {"", "-", "--1", "+1", " -1", "-1 ", "- 1", "1-", "-0x1"}) {
    CHECK_FALSE(ParseSignedDecimal(bad));
  }
  CHECK(ParseSignedDecimal("-1", -1) == -1);  // filter rules' SIZE=-1
  CHECK_FALSE(ParseSignedDecimal("-2", -1));
  CHECK_FALSE(ParseSignedDecimal("2147483648", INT32_MIN, INT32_MAX));
}

TEST_CASE("one trim: the given characters at either end", "[lib][text]") {
  using ms::Trim;
  using ms::TrimLeft;
  using ms::TrimRight;
  CHECK(Trim(" \t a b \t ") == "a b");
  CHECK(Trim("a\r") == "a\r");  // blanks only, unless told
  CHECK(Trim("\r a \r", " \t\r") == "a");
  CHECK(TrimLeft("  a ") == "a ");
  CHECK(TrimRight("  a \r", " \t\r") == "  a");
  CHECK(Trim(" \t ").empty());
  CHECK(Trim("").empty());
}
