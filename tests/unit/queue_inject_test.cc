#include <catch2/catch.hpp>

#include <string>

#include "queue/inject_input.h"
#include "queue/inject_options.h"
#include "queue/qualify.h"
#include "queue/rfc5322_date.h"
#include "queue/received_line.h"

using namespace ms::queue;

namespace {
std::string Filter(std::string_view in, bool dot_ends, size_t chunk = 1) {
  LineEndFilter f(dot_ends);
  std::string out;
  for (size_t i = 0; i < in.size(); i += chunk) f.Feed(in.substr(i, chunk), &out);
  f.Finish(&out);
  return out;
}
}  // namespace

TEST_CASE("inject input: CRLF to LF, lone dot ends without -i", "[queue][inject]") {
  for (size_t chunk : {1, 2, 3, 1000}) {
    CHECK(Filter("a\r\nb\r\n", true, chunk) == "a\nb\n");
    CHECK(Filter("a\rb\n", true, chunk) == "a\rb\n");
    CHECK(Filter("a\n.\nafter\n", true, chunk) == "a\n");
    CHECK(Filter("a\r\n.\r\nafter\r\n", true, chunk) == "a\n");
    CHECK(Filter("a\n.\nafter\n", false, chunk) == "a\n.\nafter\n");
    CHECK(Filter("a\n..\n.x\n.\r.\n", true, chunk) == "a\n..\n.x\n.\r.\n");
    CHECK(Filter(".\n", true, chunk) == "");
    CHECK(Filter("x\n.", true, chunk) == "x\n.");
    CHECK(Filter("x\n.\r", true, chunk) == "x\n.\r");
    CHECK(Filter("x\r", true, chunk) == "x\r");
    CHECK(Filter(std::string("a\0b\r\n", 5), true, chunk) == std::string("a\0b\n", 4));
  }
}

TEST_CASE("inject options: sendmail command lines", "[queue][inject]") {
  auto parse = [](std::vector<const char*> argv) {
    argv.insert(argv.begin(), "sendmail");
    return ParseInjectOptions(static_cast<int>(argv.size()), argv.data());
  };
  auto o = parse({"-t", "-oi", "-f", "bounce@x.test", "-FJoe", "-oem", "-N", "never", "a@b", "-x"});
  REQUIRE(o);
  CHECK(o->extract_recipients);
  CHECK(o->ignore_dots);
  CHECK(*o->sender == "bounce@x.test");
  CHECK(*o->full_name == "Joe");
  CHECK(o->recipients == std::vector<std::string>{"a@b", "-x"});
  auto p = parse({"-ti", "-fa@b", "--", "-weird"});
  REQUIRE(p);
  CHECK(p->extract_recipients);
  CHECK(p->ignore_dots);
  CHECK(p->recipients == std::vector<std::string>{"-weird"});
  CHECK(parse({"-bp"})->list_queue);
  CHECK_FALSE(parse({"-bs"}));
  CHECK_FALSE(parse({"-q"}));
  CHECK_FALSE(parse({"-f"}));
  CHECK_FALSE(parse({"-z"}));
  CHECK_FALSE(parse({"-N"}));
}

TEST_CASE("qualify: as qmail-inject", "[queue][inject]") {
  QualifyConfig c{"mail", "example.test", "plus.test"};
  CHECK(QualifyAddress("joe", c) == "joe@mail.example.test");
  CHECK(QualifyAddress("joe@host", c) == "joe@host.example.test");
  CHECK(QualifyAddress("joe@host+", c) == "joe@host.plus.test");
  CHECK(QualifyAddress("joe@a.b", c) == "joe@a.b");
  CHECK(QualifyAddress("joe@[1.2.3.4]", c) == "joe@[1.2.3.4]");
  CHECK(QualifyAddress("a@b@c", c) == "a@b@c.example.test");
}

TEST_CASE("dates and the Received line", "[queue][date]") {
  CHECK(FormatRfc5322Date(0) == "Thu, 1 Jan 1970 00:00:00 +0000");
  CHECK(FormatRfc5322Date(951782400) == "Tue, 29 Feb 2000 00:00:00 +0000");
  CHECK(FormatRfc5322Date(1795370811) == "Sun, 22 Nov 2026 18:06:51 +0000");
  CHECK(FormatRfc5322Date(4102444799) == "Thu, 31 Dec 2099 23:59:59 +0000");
  CHECK(FormatRfc5322Date(-1) == "Wed, 31 Dec 1969 23:59:59 +0000");
  CHECK(MakeReceivedLine(42, 1000, 0) ==
        "Received: (mailsuite-queue 42 invoked by uid 1000); Thu, 1 Jan 1970 00:00:00 +0000\n");
}
