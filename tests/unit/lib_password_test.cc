#include <catch2/catch.hpp>

#include "password.h"

using namespace std::string_literals;

TEST_CASE("password: yescrypt hashes verify, salts differ", "[lib][password]") {
  auto h1 = ms::HashPassword("correct horse", ms::HashScheme::kYescrypt);
  auto h2 = ms::HashPassword("correct horse", ms::HashScheme::kYescrypt);
  REQUIRE(h1.ok());
  REQUIRE(h2.ok());
  CHECK(h1->rfind("$y$", 0) == 0);
  CHECK(*h1 != *h2);
  CHECK(ms::CheckPassword("correct horse", *h1) == ms::PasswordCheck::kMatch);
  CHECK(ms::CheckPassword("correct horse", *h2) == ms::PasswordCheck::kMatch);
  CHECK(ms::CheckPassword("correct hors", *h1) == ms::PasswordCheck::kMismatch);
  CHECK(ms::CheckPassword("", *h1) == ms::PasswordCheck::kMismatch);
  CHECK(ms::CheckPassword("correct horse\0x"s, *h1) == ms::PasswordCheck::kMismatch);
}

TEST_CASE("password: SHA-512 crypt", "[lib][password]") {
  auto h = ms::HashPassword("pw", ms::HashScheme::kSha512);
  REQUIRE(h.ok());
  CHECK(h->rfind("$6$", 0) == 0);
  CHECK(ms::CheckPassword("pw", *h) == ms::PasswordCheck::kMatch);
  CHECK(ms::CheckPassword("PW", *h) == ms::PasswordCheck::kMismatch);
  // A known vector (from glibc's crypt tests' format): fixed salt.
  CHECK(ms::CheckPassword("Hello world!",
                          "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")
        == ms::PasswordCheck::kMatch);
}

TEST_CASE("password: unusable hashes never match", "[lib][password]") {
  CHECK(ms::CheckPassword("x", "") == ms::PasswordCheck::kMismatch);
  CHECK(ms::CheckPassword("x", "!") == ms::PasswordCheck::kMismatch);
  CHECK(ms::CheckPassword("x", "*") == ms::PasswordCheck::kMismatch);
  CHECK(ms::CheckPassword("x", "abDEScrypt12") == ms::PasswordCheck::kMismatch);
  CHECK(ms::CheckPassword("x", "$nonsense$abc") == ms::PasswordCheck::kBadHash);
  CHECK(ms::CheckPassword("x", "$6$") != ms::PasswordCheck::kMatch);
  CHECK(ms::CheckPassword("x", "$y$\0$y$"s) != ms::PasswordCheck::kMatch);
  // The dummy hash is a real hash nobody can match with an empty password.
  CHECK(ms::DummyHash().rfind("$y$", 0) == 0);
  CHECK(ms::CheckPassword("", ms::DummyHash()) == ms::PasswordCheck::kMismatch);
}

TEST_CASE("password: NUL and over-long passwords", "[lib][password]") {
  CHECK(!ms::HashPassword("a\0b"s, ms::HashScheme::kYescrypt).ok());
  CHECK(!ms::HashPassword(std::string(ms::kMaxPassword + 1, 'p'), ms::HashScheme::kSha512).ok());
  auto longest = ms::HashPassword(std::string(ms::kMaxPassword, 'p'), ms::HashScheme::kSha512);
  REQUIRE(longest.ok());
  CHECK(ms::CheckPassword(std::string(ms::kMaxPassword, 'p'), *longest) == ms::PasswordCheck::kMatch);
  // Too long to hash is a plain mismatch, never "the stored hash is bad".
  CHECK(ms::CheckPassword(std::string(100000, 'p'), *longest) == ms::PasswordCheck::kMismatch);
}
