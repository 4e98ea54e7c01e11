// The filter's streaming MIME walk on ordinary and hostile input.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "filter/mime_text.h"
#include "filter/mime_walk.h"

using namespace ms::filter;

namespace {

struct Collect : WalkHandler {
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, uint64_t>> attachments;
  std::vector<std::string> lines;
  void OnHeader(std::string_view n, std::string_view v) override { headers.emplace_back(n, v); }
  void OnAttachment(std::string_view n, uint64_t s, std::string_view) override { attachments.emplace_back(n, s); }
  void OnBodyLine(std::string_view l) override { lines.emplace_back(l); }
  bool WantsBody() const override { return true; }
};

// Feeds in small odd-sized chunks so line and state splits are exercised.
std::string Walk(const std::string& msg, Collect* c, WalkLimits limits = {}) {
  MimeWalker w(limits, c);
  for (size_t i = 0; i < msg.size(); i += 7) w.Feed(std::string_view(msg).substr(i, 7));
  w.Finish();
  return w.reason();
}

std::string Head(const std::string& ct) { return "Subject: t\nMIME-Version: 1.0\nContent-Type: " + ct + "\n\n"; }

}  // namespace

TEST_CASE("mime: headers unfolded and decoded", "[filter]") {
  Collect c;
  REQUIRE(Walk("Subject: =?UTF-8?B?SUxPVkVZT1U=?=\nX-A: one\n two\n\nbody\r\nline 2\n", &c).empty());
  REQUIRE(c.headers.size() == 2);
  CHECK(c.headers[0] == std::pair<std::string, std::string>("subject", "ILOVEYOU"));
  CHECK(c.headers[1].second == "one two");
  CHECK(c.lines == std::vector<std::string>{"body", "line 2"});
}

TEST_CASE("mime: attachment names and decoded sizes", "[filter]") {
  std::string msg = Head("multipart/mixed; boundary=\"b\"") +
                    "preamble\n--b\nContent-Type: text/plain\n\nhello =\nworld\n"
                    "--b\nContent-Type: application/octet-stream\n"
                    "Content-Disposition: attachment; filename*0*=utf-8''%C3%BC; filename*1=\"ber.bin\"\n"
                    "Content-Transfer-Encoding: base64\n\nSGVsbG8g\nd29ybGQ=\n"
                    "--b\nContent-Type: text/plain; name=\"q.txt\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                    "a=3Db=\nc\n--b--\nepilogue\n";
  Collect c;
  REQUIRE(Walk(msg, &c).empty());
  REQUIRE(c.attachments.size() == 2);
  CHECK(c.attachments[0] == std::pair<std::string, uint64_t>("\xc3\xbc" "ber.bin", 11));
  CHECK(c.attachments[1] == std::pair<std::string, uint64_t>("q.txt", 4));
  CHECK(c.lines == std::vector<std::string>{"hello =", "world", "a=bc"});
}

TEST_CASE("mime: message/rfc822 parts are walked", "[filter]") {
  std::string msg = Head("multipart/mixed; boundary=\"o\"") +
                    "--o\nContent-Type: message/rfc822\n\nSubject: inner ILOVEYOU\n"
                    "Content-Type: multipart/mixed; boundary=\"i\"\n\n--i\n"
                    "Content-Disposition: attachment; filename=a.exe\n\nMZ\n--i--\n--o--\n";
  Collect c;
  REQUIRE(Walk(msg, &c).empty());
  bool inner = false;
  for (auto& h : c.headers) inner |= h.second == "inner ILOVEYOU";
  CHECK(inner);
  REQUIRE(c.attachments.size() == 1);
  CHECK(c.attachments[0].first == "a.exe");
}

TEST_CASE("mime: ambiguous and over-limit messages", "[filter]") {
  Collect c;
  CHECK(Walk("Content-Type: text/plain\nContent-Type: text/html\n\nx\n", &c) == "two Content-Type headers in one part");
  CHECK(Walk(Head("multipart/mixed"), &c) == "a multipart without boundary");
  CHECK(Walk(Head("multipart/mixed; boundary=" + std::string(71, 'b')), &c) ==
        "a multipart boundary longer than 70 characters");
  CHECK(Walk(Head("multipart/mixed; boundary=b") + "--b\n\nx\n", &c) == "a multipart boundary that never closes");
  CHECK(Walk(Head("multipart/mixed; boundary=o") + "--o\nContent-Type: multipart/mixed; boundary=i\n\n--i\n\nx\n--o--\n",
             &c) == "a multipart boundary that never closes");
  CHECK(Walk(Head("multipart/mixed; boundary=b") +
                 "--b\nContent-Type: application/x; name=a\nContent-Transfer-Encoding: base64\n\nSGVsbG8\n--b--\n",
             &c)
            .rfind("truncated base64", 0) == 0);
  WalkLimits small;
  small.max_line = 100;
  CHECK(Walk("Subject: " + std::string(200, 'x') + "\n\n", &c, small) == "a line longer than 100 octets");
  small.max_header_bytes = 50;
  CHECK(Walk("A: 1\nB: " + std::string(60, 'x') + "\n\n", &c, small).rfind("a header section longer", 0) == 0);
}

TEST_CASE("mime: 10,000-deep nesting stops at the limit", "[filter]") {
  std::string msg = Head("multipart/mixed; boundary=b0");
  for (int i = 1; i < 10000; ++i)
    msg += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n";
  Collect c;
  CHECK(Walk(msg, &c) == "MIME nesting deeper than 30");
}

TEST_CASE("mime: 100,000 parts stop at the limit", "[filter]") {
  std::string msg = Head("multipart/mixed; boundary=x");
  for (int i = 0; i < 100000; ++i) msg += "--x\n\np\n";
  msg += "--x--\n";
  Collect c;
  CHECK(Walk(msg, &c) == "more than 1000 MIME parts");
}

TEST_CASE("mime: deceptive names", "[filter]") {
  CHECK(HasDeceptiveCharacters("photo\xe2\x80\xae" "gpj.exe"));  // U+202E
  CHECK(HasDeceptiveCharacters("a\rb"));
  CHECK(HasDeceptiveCharacters("a\xc2\x85"));  // U+0085, C1
  CHECK(HasDeceptiveCharacters("\xff"));
  CHECK(HasDeceptiveCharacters("\xc0\xae"));  // overlong
  CHECK_FALSE(HasDeceptiveCharacters("\xc3\x9c" "bersicht.txt"));
  CHECK(EncodesNul("=?UTF-8?B?eAB5LnR4dA==?="));
  CHECK(EncodesNul("=?UTF-8?Q?x=00y?="));
  CHECK(EncodesNul("attachment; filename*=utf-8''x%00y.exe"));
  CHECK_FALSE(EncodesNul("=?UTF-8?B?SUxPVkVZT1U=?="));
  Collect c;
  CHECK(Walk(Head("multipart/mixed; boundary=b") +
                 "--b\nContent-Disposition: attachment; filename=\"=?UTF-8?B?eAB5LmV4ZQ==?=\"\n\nx\n--b--\n",
             &c) == "a file name with control or bidirectional-override characters");
}

namespace {

void Le16(std::string* s, uint32_t v) {
  s->push_back(static_cast<char>(v & 0xff));
  s->push_back(static_cast<char>(v >> 8));
}
void Le32(std::string* s, uint32_t v) {
  Le16(s, v & 0xffff);
  Le16(s, v >> 16);
}

// A central directory with the given names and an end record (the local
// entries are irrelevant: only the directory is read).
std::string ZipTail(const std::vector<std::pair<std::string, uint32_t>>& entries, const std::string& prefix = "junk") {
  std::string dir;
  for (auto& [name, size] : entries) {
    dir += "PK\x01\x02";
    dir += std::string(20, '\0');
    Le32(&dir, size);
    Le16(&dir, static_cast<uint32_t>(name.size()));
    Le16(&dir, 0);
    Le16(&dir, 0);
    dir += std::string(12, '\0');
    dir += name;
  }
  std::string out = prefix + dir + "PK\x05\x06" + std::string(4, '\0');
  Le16(&out, static_cast<uint32_t>(entries.size()));
  Le16(&out, static_cast<uint32_t>(entries.size()));
  Le32(&out, static_cast<uint32_t>(dir.size()));
  Le32(&out, static_cast<uint32_t>(prefix.size()));
  Le16(&out, 0);
  return out;
}

}  // namespace

TEST_CASE("zip: names and sizes from the central directory only", "[filter]") {
  std::vector<ZipEntry> e;
  REQUIRE(ReadZipDirectory(ZipTail({{"a.txt", 5}, {"bomb.bin", 4000000000u}}), 100, &e));
  REQUIRE(e.size() == 2);
  CHECK(e[1].name == "bomb.bin");
  CHECK(e[1].size == 4000000000u);
  CHECK_FALSE(ReadZipDirectory(ZipTail({{"a", 1}, {"b", 2}}), 1, &e));  // too many entries
  std::string t = ZipTail({{"a.txt", 5}});
  CHECK_FALSE(ReadZipDirectory(t.substr(0, t.size() - 1), 100, &e));  // cut end record
  CHECK_FALSE(ReadZipDirectory(t.substr(8), 100, &e));                 // directory cut
  CHECK_FALSE(ReadZipDirectory("", 100, &e));
  std::string lying = ZipTail({{"a.txt", 5}});
  lying[lying.size() - 22 + 10] = '\x09';  // claims 9 entries
  CHECK_FALSE(ReadZipDirectory(lying, 100, &e));
}
