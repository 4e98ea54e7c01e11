#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "dns_lookup.h"

using namespace ms::dns;
using namespace std::string_literals;

namespace {

// The query as dns_transmit sends it: id, recursion desired, one IN question.
std::string Query(const std::string& wire, const std::string& type) {
  return "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"s + wire + type + "\x00\x01"s;
}

Reply Answered(std::string packet) {
  Reply r;
  r.answered = true;
  r.packet = std::move(packet);
  return r;
}

}  // namespace

TEST_CASE("DNS answers as djbdns reads them", "[dns][rblcheck]") {
  std::string wire = WireFromDotted("2.0.0.127.bl.test");
  REQUIRE(!wire.empty());
  std::string q = Query(wire, "\x00\x10"s);
  std::string reply = q;
  reply[2] = '\x81';
  reply[7] = 2;  // two answers
  reply += "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x08\x03one\x03t\x01o"s;
  reply += "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x02\x01\xff"s;
  std::string text;
  CHECK(ReadTxtText(Answered(reply), &text) == Status::kFound);
  CHECK(text == "onet?o?");
  CHECK(ReadTxtText(Answered(reply.substr(0, reply.size() - 1)), &text) == Status::kTemporary);
  CHECK(ReadTxtText(Reply{}, &text) == Status::kTemporary);
  std::vector<uint32_t> a;
  CHECK(ReadIp4(Answered(reply), &a) == Status::kNotFound);
  // dns_transmit's relevance checks, as used to notice a failed server
  std::string servfail = q;
  servfail[2] = '\x81';
  servfail[3] = 2;
  CHECK(IsServerFailure(servfail, q));
  std::string other = servfail;
  other[0] = 0;
  CHECK_FALSE(IsServerFailure(other, q));
  std::string nxdomain = servfail;
  nxdomain[3] = 3;
  CHECK_FALSE(IsServerFailure(nxdomain, q));
  servfail[2] = '\x83';  // truncated: dns_transmit asks again over TCP
  CHECK_FALSE(IsServerFailure(servfail, q));
  // a compression loop is rejected, not followed forever
  std::string loop = q.substr(0, 12) + "\xc0\x0c"s + q.substr(q.size() - 4);
  loop[2] = '\x81';
  loop[3] = 2;
  CHECK_FALSE(IsServerFailure(loop, q));
  CHECK_FALSE(IsServerFailure("", q));
  CHECK(WireFromDotted(std::string(64, 'a') + ".test").empty());
}

TEST_CASE("DNS A answers: dns_ip4_packet's reading", "[dns][rblcheck]") {
  std::string q = Query(WireFromDotted("2.0.0.127.bl.test"), "\x00\x01"s);
  std::string reply = q;
  reply[2] = '\x81';
  reply[7] = 3;
  reply += "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x02"s;
  reply += "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x03\x7f\x00\x00"s;  // not 4 bytes: skipped
  reply += "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x0b"s;
  std::vector<uint32_t> a;
  CHECK(ReadIp4(Answered(reply), &a) == Status::kFound);
  CHECK(a == std::vector<uint32_t>{0x7f000002, 0x7f00000b});
  for (size_t n = 0; n < reply.size(); ++n) {
    Status s = ReadIp4(Answered(reply.substr(0, n)), &a);
    CHECK((s == Status::kTemporary || a.size() <= 2));
  }
}

TEST_CASE("DNS packet parsing follows CNAMEs and rejects garbage", "[dns][remote]") {
  // Header: id 0, flags, 1 question, 2 answers.
  std::string pkt("\0\0\x81\x80\0\x01\0\x02\0\0\0\0", 12);
  std::string qname = WireFromDotted("Alias.Test");
  std::string target = WireFromDotted("real.test");
  pkt += qname + std::string("\0\x01\0\x01", 4);
  pkt += qname + std::string("\0\x05\0\x01\0\0\0\x3c\0", 9) + static_cast<char>(target.size()) + target;
  pkt += target + std::string("\0\x01\0\x01\0\0\0\x3c\0\x04\x7f\0\0\x05", 14);
  std::vector<Record> records;
  std::string final_name;
  REQUIRE(ReadRecords(pkt, qname, Type::kA, &records, &final_name));
  CHECK(DottedFromWire(final_name) == "real.test");
  REQUIRE(records.size() == 1);
  CHECK(records[0].data == std::string("\x7f\0\0\x05", 4));
  // Every truncation is refused or yields nothing, never reads past the end.
  for (size_t n = 0; n < pkt.size(); ++n) {
    std::vector<Record> r;
    std::string f;
    if (ReadRecords(pkt.substr(0, n), qname, Type::kA, &r, &f)) CHECK(r.empty());
  }
}

TEST_CASE("DNS TXT and MX records one by one", "[dns]") {
  std::string name = WireFromDotted("example.test");
  std::string pkt("\0\0\x81\x80\0\x01\0\x03\0\0\0\0", 12);
  pkt += name + "\x00\x10\x00\x01"s;
  pkt += "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x0d\x06v=spf1\x05 -all"s;
  pkt += "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x00"s;  // no strings at all
  pkt += "\xc0\x0c\x00\x0f\x00\x01\x00\x00\x00\x3c\x00\x04\x00\x0a\xc0\x0c"s;
  std::vector<Record> txt;
  std::string final_name;
  REQUIRE(ReadRecords(pkt, name, Type::kTxt, &txt, &final_name));
  REQUIRE(txt.size() == 2);
  CHECK(txt[0].strings == std::vector<std::string>{"v=spf1", " -all"});
  CHECK(txt[1].strings.empty());
  std::vector<Record> mx;
  REQUIRE(ReadRecords(pkt, name, Type::kMx, &mx, &final_name));
  REQUIRE(mx.size() == 1);
  CHECK(mx[0].preference == 10);
  CHECK(DottedFromWire(mx[0].name) == "example.test");
  // A character-string that runs past its record is malformed.
  std::string bad = pkt;
  bad[12 + name.size() + 4 + 12] = '\x07';
  std::vector<Record> r;
  CHECK_FALSE(ReadRecords(bad, name, Type::kTxt, &r, &final_name));
}
