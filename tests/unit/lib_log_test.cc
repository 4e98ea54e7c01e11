#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>

#include "fd.h"
#include "log.h"

using namespace std::string_literals;

TEST_CASE("log: escaping", "[lib][log]") {
  CHECK(ms::EscapeForLog("plain") == "plain");
  CHECK(ms::EscapeForLog("") == "\"\"");
  CHECK(ms::EscapeForLog("two words") == "\"two words\"");
  CHECK(ms::EscapeForLog("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(ms::EscapeForLog("a\"b") == "\"a\\\"b\"");
  CHECK(ms::EscapeForLog("back\\slash") == "back\\\\slash");
  CHECK(ms::EscapeForLog("line\r\nforged: x") == "\"line\\x0d\\x0aforged: x\"");
  CHECK(ms::EscapeForLog("nul\0byte"s) == "nul\\x00byte");
  CHECK(ms::EscapeForLog("\x7f\x80\xff") == "\\x7f\\x80\\xff");
  CHECK(ms::EscapeForLog("tab\there") == "tab\\x09here");
  CHECK(ms::EscapeForLog("key=value") == "key=value");
}

TEST_CASE("log: escaped values never contain a newline or a bare space", "[lib][log]") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string e = ms::EscapeForLog(all);
  CHECK(e.find('\n') == std::string::npos);
  CHECK(e.find('\0') == std::string::npos);
  REQUIRE(e.front() == '"');
  CHECK(e.back() == '"');
  std::string huge(10 * 1024 * 1024, '\n');
  CHECK(ms::EscapeForLog(huge).size() == huge.size() * 4);
}

TEST_CASE("log: line format and emission", "[lib][log]") {
  ms::SetLogProgram("mailsuite-test");
  ms::LogLine line("message accepted");
  line.Add("from", "a@b.example").Add("size", 4096).Add("rcpts", 2u).Add("big", 1ULL << 40)
      .Add("neg", -3L).Add("helo", "evil\nmailsuite-test: forged").Add("empty", "");
  CHECK(line.str() ==
        "mailsuite-test: \"message accepted\" from=a@b.example size=4096 rcpts=2 "
        "big=1099511627776 neg=-3 helo=\"evil\\x0amailsuite-test: forged\" empty=\"\"");
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  line.Emit(w.get());
  w.reset();
  std::string out;
  REQUIRE(ms::ReadAll(r.get(), &out));
  CHECK(out == line.str() + "\n");
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
  ms::SetLogProgram("mailsuite");
}
