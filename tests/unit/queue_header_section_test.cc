#include <catch2/catch.hpp>

#include <string>

#include "queue/header_section.h"
#include "queue/inject_header.h"

using ms::queue::ParseHeaderSection;

TEST_CASE("header section: fields, folding and the end", "[queue][header]") {
  auto s = ParseHeaderSection("To: a@b.test,\n c@d.test\nSubject: x\n\nbody\n", false);
  REQUIRE(s.complete);
  CHECK(s.blank_line);
  REQUIRE(s.fields.size() == 2);
  CHECK(s.fields[0].Is("to"));
  CHECK(s.fields[0].value() == " a@b.test,\n c@d.test\n");
  CHECK(s.body_offset == std::string("To: a@b.test,\n c@d.test\nSubject: x\n\n").size());
}

TEST_CASE("header section: a non-header line starts the body", "[queue][header]") {
  auto s = ParseHeaderSection("Subject: x\nthis is body\n", false);
  REQUIRE(s.complete);
  CHECK_FALSE(s.blank_line);
  CHECK(s.fields.size() == 1);
  CHECK(s.body_offset == 11);
  auto t = ParseHeaderSection(" continuation first\n", false);
  CHECK(t.complete);
  CHECK(t.fields.empty());
  CHECK(t.body_offset == 0);
}

TEST_CASE("header section: incomplete data asks for more", "[queue][header]") {
  CHECK_FALSE(ParseHeaderSection("Subject: x\nTo: a", false).complete);
  CHECK_FALSE(ParseHeaderSection("Subject: x\n", false).complete);
  auto s = ParseHeaderSection("Subject: x\nTo: a", true);
  CHECK(s.complete);
  CHECK(s.fields.size() == 2);
}

TEST_CASE("header section: hostile input", "[queue][header]") {
  std::string nul("Sub\0ject: x\n\n", 13);
  auto s = ParseHeaderSection(nul, true);
  CHECK(s.fields.empty());  // not a field name: body
  auto t = ParseHeaderSection(": empty name\n\n", true);
  CHECK(t.fields.empty());
  std::string huge(1 << 20, 'x');
  auto u = ParseHeaderSection("X-Long: " + huge + "\n\n", true);
  REQUIRE(u.fields.size() == 1);
  CHECK(u.fields[0].text.size() == huge.size() + 9);
  CHECK(ParseHeaderSection("", true).complete);
  CHECK(ParseHeaderSection("\n", true).blank_line);
}

TEST_CASE("inject header: Bcc removed, missing fields added", "[queue][header]") {
  auto s = ParseHeaderSection("To: a@b.test\nBCC: hidden@x.test\n\n", false);
  ms::queue::AddedFields added{"Sun, 22 Nov 2026 18:04:21 +0000", "<1.2@h.test>", "me@h.test",
                               "Me \"Q\"\nX-Injected: 1"};
  std::string h = ms::queue::RebuildHeader(s.fields, added);
  CHECK(h ==
        "To: a@b.test\nDate: Sun, 22 Nov 2026 18:04:21 +0000\nMessage-ID: <1.2@h.test>\n"
        "From: \"Me \\\"Q\\\"X-Injected: 1\" <me@h.test>\n\n");
  auto r = ms::queue::HeaderRecipients(s.fields);
  REQUIRE(r);
  CHECK(*r == std::vector<std::string>{"a@b.test", "hidden@x.test"});
}

TEST_CASE("inject header: Resent- fields win for -t", "[queue][header]") {
  auto s = ParseHeaderSection("To: old@x.test\nResent-To: new@y.test\nResent-Bcc: b@y.test\n\n", false);
  auto r = ms::queue::HeaderRecipients(s.fields);
  REQUIRE(r);
  CHECK(*r == std::vector<std::string>{"new@y.test", "b@y.test"});
  auto bad = ParseHeaderSection("To: <unterminated@x.test\n\n", false);
  CHECK_FALSE(ms::queue::HeaderRecipients(bad.fields));
}
