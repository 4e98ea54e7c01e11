#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "local/from_quote.h"
#include "local/header_scan.h"
#include "local/program.h"
#include "local/quota.h"
#include "local/quota_source.h"
#include "local/recipient.h"

using namespace std::string_literals;

namespace {

std::string Quote(std::string_view in, size_t chunk) {
  ms::local::FromQuoter q;
  std::string out;
  for (size_t i = 0; i < in.size(); i += chunk) q.Feed(in.substr(i, chunk), &out);
  q.Finish(&out);
  return out;
}

// What a mboxrd reader does: strip one '>' from ^>+From .
std::string Unquote(std::string_view mbox) {
  std::string out;
  while (!mbox.empty()) {
    size_t nl = mbox.find('\n');
    std::string_view line = mbox.substr(0, nl == std::string_view::npos ? mbox.size() : nl + 1);
    mbox.remove_prefix(line.size());
    size_t gt = line.find_first_not_of('>');
    if (gt != std::string_view::npos && gt > 0 && line.substr(gt).rfind("From ", 0) == 0) line.remove_prefix(1);
    out.append(line);
  }
  return out;
}

}  // namespace

TEST_CASE("mbox quoting: mboxrd, at any chunking", "[local]") {
  std::string msg = "From: a\nSubject: x\n\nFrom here\n>From there\n>>From x\nFro\nFrom\nX From y\n>Fromage\n"s;
  std::string expected = "From: a\nSubject: x\n\n>From here\n>>From there\n>>>From x\nFro\nFrom\nX From y\n>Fromage\n\n"s;
  for (size_t chunk : {1, 2, 3, 5, 7, 1000}) {
    INFO("chunk " << chunk);
    CHECK(Quote(msg, chunk) == expected);
  }
  CHECK(Unquote(Quote(msg, 3)) == msg + "\n");
}

TEST_CASE("mbox quoting: missing final newline, empty message, NUL, CRLF", "[local]") {
  CHECK(Quote("a", 1) == "a\n\n");
  CHECK(Quote("", 1) == "\n");
  CHECK(Quote("From x", 2) == ">From x\n\n");
  CHECK(Quote("x\0\nFrom \r\n"s, 1) == "x\0\n>From \r\n\n"s);
}

TEST_CASE("header scan: our Delivered-To is a loop, others are not", "[local]") {
  ms::local::HeaderScan s("joe@example.com");
  s.Feed("Received: x\nDelivered-To: bob@example.com\nDelivered-To:  JOE@Example.COM \r\n\nDelivered-To: x\n");
  CHECK(s.has_our_delivered_to());
  CHECK(s.done());
  ms::local::HeaderScan body("joe@example.com");
  body.Feed("Subject: x\n\nDelivered-To: joe@example.com\n");
  body.Finish();
  CHECK(!body.has_our_delivered_to());
  ms::local::HeaderScan prefix("joe@example.com");
  prefix.Feed("Delivered-To: joe@example.com.evil\n\n");
  CHECK(!prefix.has_our_delivered_to());
}

TEST_CASE("header scan: Received lines across chunks, CRLF end, huge lines", "[local]") {
  std::string head;
  for (int i = 0; i < 101; ++i) head += "Received: from a by b\r\n";
  head += std::string("X-Long: ") + std::string(100000, 'x') + "\r\n";
  head += "Received: " + std::string(5000, 'y') + "\r\n\r\nReceived: not counted\n";
  ms::local::HeaderScan s("joe@example.com");
  for (size_t i = 0; i < head.size(); i += 777) s.Feed(std::string_view(head).substr(i, 777));
  s.Finish();
  CHECK(s.received_lines() == 102);
  ms::local::HeaderScan truncated("joe@example.com");
  truncated.Feed("Received: a\nReceived: b");  // no end of header, no final newline
  truncated.Finish();
  CHECK(truncated.received_lines() == 2);
}

TEST_CASE("quota spec parsing", "[local]") {
  using ms::local::ParseQuotaSpec;
  auto a = ParseQuotaSpec("10000000S,1000C");
  REQUIRE(a.ok());
  CHECK(a->bytes == 10000000);
  CHECK(a->count == 1000);
  CHECK(ParseQuotaSpec("1000C")->count == 1000);
  CHECK(ParseQuotaSpec("5000S")->bytes == 5000);
  CHECK(ParseQuotaSpec("123")->bytes == 123);
  CHECK(ParseQuotaSpec("0")->none());
  CHECK(ParseQuotaSpec("")->none());
  CHECK(!ParseQuotaSpec("10X").ok());
  CHECK(!ParseQuotaSpec("S").ok());
  CHECK(!ParseQuotaSpec("-5S").ok());
  CHECK(!ParseQuotaSpec("5S,6S").ok());
  CHECK(!ParseQuotaSpec("99999999999999999999999S").ok());
  CHECK(ms::local::FormatQuotaSpec(*a) == "10000000S,1000C");
}

TEST_CASE("maildirsize parsing and the quota check", "[local]") {
  auto f = ms::local::ParseMaildirSize("1000S,10C\n500 5\n  100 1\n-50 -1\n");
  CHECK(!f.malformed);
  CHECK(f.quota_line == "1000S,10C");
  CHECK(f.usage.bytes == 550);
  CHECK(f.usage.count == 5);
  CHECK(ms::local::ParseMaildirSize("1000S\n500 5\n12").malformed);   // torn append
  CHECK(ms::local::ParseMaildirSize("1000S\nx y\n").malformed);
  CHECK(ms::local::ParseMaildirSize("1000S").malformed);
  ms::local::QuotaSpec spec{1000, 10};
  CHECK(ms::local::FitsQuota(spec, {500, 5}, 500));
  CHECK(!ms::local::FitsQuota(spec, {500, 5}, 501));
  CHECK(!ms::local::FitsQuota(spec, {0, 10}, 1));
  CHECK(ms::local::FitsQuota(spec, {-100, -3}, 1000));
  uint64_t size = 0;
  CHECK(ms::local::SizeFromName("1.M2P3.host,S=1234:2,S", &size));
  CHECK(size == 1234);
  CHECK(!ms::local::SizeFromName("1.M2P3.host", &size));
}

TEST_CASE("recipient lines and the program environment", "[local]") {
  ms::local::Arguments a;
  a.user = "joe";
  a.home = "/home/joe";
  a.local = "joe-list-x";
  a.dash = "-";
  a.ext = "list-x";
  a.domain = "mail.example.com";
  a.sender = "a b@example.org";
  auto r = ms::local::MakeRecipient(a, 0);
  CHECK(r.dtline == "Delivered-To: joe-list-x@mail.example.com\n");
  CHECK(r.rpline == "Return-Path: <a b@example.org>\n");
  CHECK(r.ufline == "From a-b@example.org Thu Jan  1 00:00:00 1970\n");
  char e1[] = "PATH=/bin", e2[] = "EXT=evil", e3[] = "DEFAULT=evil";
  char* base[] = {e1, e2, e3, nullptr};
  auto env = ms::local::ProgramEnvironment(r, base);
  auto has = [&](const std::string& v) { return std::find(env.begin(), env.end(), v) != env.end(); };
  CHECK(has("PATH=/bin"));
  CHECK(has("EXT=list-x"));
  CHECK(!has("EXT=evil"));
  CHECK(!has("DEFAULT=evil"));
  CHECK(has("EXT2=x"));
  CHECK(has("EXT3="));
  CHECK(has("HOST2=mail.example"));
  CHECK(has("HOST3=mail"));
  CHECK(has("HOST4=mail"));
  CHECK(has("RECIPIENT=joe-list-x@mail.example.com"));
  CHECK(has("SENDER=a b@example.org"));
  a.sender = "";
  CHECK(ms::local::MakeRecipient(a, 0).ufline.rfind("From MAILER-DAEMON ", 0) == 0);
  CHECK(ms::local::ForwardSender(a, true).empty());
  a.sender = "x@y";
  CHECK(ms::local::ForwardSender(a, true) == "joe-list-x-owner@mail.example.com");
  CHECK(ms::local::ForwardSender(a, false) == "x@y");
}

TEST_CASE("arguments", "[local]") {
  const char* ok[] = {"l", "-n", "joe", "/home/joe", "joe", "", "", "d", "", "./Maildir/", nullptr};
  auto a = ms::local::ParseArguments(10, const_cast<char**>(ok));
  REQUIRE(a.ok());
  CHECK(!a->deliver);
  CHECK(a->default_delivery == "./Maildir/");
  const char* few[] = {"l", "joe", nullptr};
  CHECK(ms::local::ParseArguments(2, const_cast<char**>(few)).error().code == 111);
  const char* rel[] = {"l", "joe", "home", "joe", "", "", "d", "", "./Maildir/", nullptr};
  CHECK(!ms::local::ParseArguments(9, const_cast<char**>(rel)).ok());
}

TEST_CASE("program output becomes one line", "[local]") {
  CHECK(ms::local::OneLine("a\nb  c\r\n\n", 100) == "a/ b c");
  CHECK(ms::local::OneLine("did 1+0+0/", 100) == "did 1+0+0/");
  CHECK(ms::local::OneLine(std::string(5000, 'x'), 100).size() == 100);
  CHECK(ms::local::OneLine("\x01\x02", 100).empty());
}

TEST_CASE("quota spec: a count-only quota sets no byte limit", "[local]") {
  auto q = ms::local::ParseQuotaSpec("1C");
  REQUIRE(q.ok());
  CHECK(q->bytes == 0);
  CHECK(q->count == 1);
}

TEST_CASE("quota spec: plain numbers have the Maildir++ form's range", "[local]") {
  CHECK(!ms::local::ParseQuotaSpec("10013333333333333333").ok());  // > INT64_MAX
  CHECK(!ms::local::ParseQuotaSpec("-1").ok());
  CHECK(ms::local::ParseQuotaSpec("9223372036854775807")->bytes == 9223372036854775807ull);
}

TEST_CASE("maildirsize: sums that overflow mean rebuild", "[local]") {
  CHECK(ms::local::ParseMaildirSize("1S\n9223372036854775807 1\n1 1\n").malformed);
  CHECK(ms::local::ParseMaildirSize("1S\n-9223372036854775807 1\n-2 1\n").malformed);
}
