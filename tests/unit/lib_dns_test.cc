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

namespace {

// An answer to "name type?" with rcode and the given records (owner, type,
// rdata), as a scripted or authoritative server sends it.
struct Rr {
  std::string owner, type, rdata;
};

std::string AnswerPacket(const std::string& name_wire, const std::string& type, int rcode,
                         const std::vector<Rr>& rrs) {
  std::string pkt("\0\0\x81\x80\0\x01\0\0\0\0\0\0", 12);
  pkt[3] = static_cast<char>(0x80 | rcode);
  pkt[7] = static_cast<char>(rrs.size());
  pkt += name_wire + type + "\x00\x01"s;
  for (const Rr& rr : rrs) {
    pkt += rr.owner + rr.type + "\x00\x01\x00\x00\x00\x3c"s;
    pkt += static_cast<char>(rr.rdata.size() >> 8);
    pkt += static_cast<char>(rr.rdata.size() & 255);
    pkt += rr.rdata;
  }
  return pkt;
}

const std::string kTxt = "\x00\x10"s, kCnameType = "\x00\x05"s, kA = "\x00\x01"s;

Rr CnameRr(const std::string& from, const std::string& to) {
  return Rr{WireFromDotted(from), kCnameType, WireFromDotted(to)};
}

// A scripted DNS for ChaseCnames: name -> its records; absent names are
// NXDOMAIN; every question is noted.
struct Zone {
  std::vector<std::pair<std::string, std::vector<Rr>>> names;
  std::vector<std::string> asked;
  bool fail = false;

  AskFunction Ask(const std::string& type) {
    return [this, type](std::string_view wire) {
      asked.push_back(DottedFromWire(wire));
      Reply r;
      if (fail) {
        r.error = "DNS timeout";
        return r;
      }
      r.answered = true;
      for (const auto& [name, rrs] : names) {
        if (WireFromDotted(name) == wire) {
          r.packet = AnswerPacket(std::string(wire), type, 0, rrs);
          return r;
        }
      }
      r.packet = AnswerPacket(std::string(wire), type, 3, {});
      r.no_such_name = true;
      return r;
    };
  }
};

}  // namespace

TEST_CASE("CNAME answered alone: the target is asked for", "[dns][spf][dkim]") {
  Zone zone;
  zone.names.push_back({"sel._domainkey.example.test", {CnameRr("sel._domainkey.example.test", "key.provider.test")}});
  zone.names.push_back({"key.provider.test", {Rr{WireFromDotted("key.provider.test"), kTxt, "\x05v=DKI"s}}});
  ChasedAnswer a = ChaseCnames(WireFromDotted("SEL._domainkey.example.test"), Type::kTxt, zone.Ask(kTxt));
  REQUIRE(a.status == Status::kFound);
  REQUIRE(a.records.size() == 1);
  CHECK(a.records[0].strings == std::vector<std::string>{"v=DKI"});
  CHECK(DottedFromWire(a.final_name) == "key.provider.test");
  CHECK(a.queries == 2);
  CHECK(a.cname_hops == 1);
  CHECK(zone.asked == std::vector<std::string>{"sel._domainkey.example.test", "key.provider.test"});
}

TEST_CASE("CNAME chase: chain in the answer needs no second question", "[dns]") {
  Zone zone;
  std::string ip("\x7f\0\0\x05", 4);
  zone.names.push_back({"alias.test", {CnameRr("alias.test", "mid.test"), CnameRr("mid.test", "real.test"),
                                       Rr{WireFromDotted("real.test"), kA, ip}}});
  ChasedAnswer a = ChaseCnames(WireFromDotted("alias.test"), Type::kA, zone.Ask(kA));
  REQUIRE(a.status == Status::kFound);
  CHECK(a.records[0].data == ip);
  CHECK(a.queries == 1);
  CHECK(a.cname_hops == 2);
}

TEST_CASE("CNAME chase: NXDOMAIN and NODATA at the end are not found", "[dns][spf]") {
  Zone zone;
  zone.names.push_back({"a.test", {CnameRr("a.test", "gone.test")}});
  zone.names.push_back({"b.test", {CnameRr("b.test", "bare.test")}});
  zone.names.push_back({"bare.test", {Rr{WireFromDotted("bare.test"), kA, std::string("\1\2\3\4", 4)}}});
  ChasedAnswer a = ChaseCnames(WireFromDotted("a.test"), Type::kTxt, zone.Ask(kTxt));
  CHECK(a.status == Status::kNotFound);
  CHECK(a.no_such_name);
  CHECK(DottedFromWire(a.final_name) == "gone.test");
  CHECK(a.queries == 2);
  ChasedAnswer b = ChaseCnames(WireFromDotted("b.test"), Type::kTxt, zone.Ask(kTxt));
  CHECK(b.status == Status::kNotFound);
  CHECK_FALSE(b.no_such_name);
  CHECK(b.queries == 2);
  // NXDOMAIN with the chain in one answer belongs to the chain's end
  // (RFC 2308 2.1): no second question.
  Zone one;
  one.asked.clear();
  ChasedAnswer c = ChaseCnames(WireFromDotted("x.test"), Type::kTxt, [&](std::string_view wire) {
    one.asked.push_back(DottedFromWire(wire));
    Reply r;
    r.answered = r.no_such_name = true;
    r.packet = AnswerPacket(std::string(wire), kTxt, 3, {CnameRr("x.test", "y.test")});
    return r;
  });
  CHECK(c.status == Status::kNotFound);
  CHECK(c.no_such_name);
  CHECK(one.asked.size() == 1);
}

TEST_CASE("CNAME chase: loops and long chains are temporary errors, bounded", "[dns][spf]") {
  Zone loop;  // across answers: each server answers with its CNAME alone
  loop.names.push_back({"l1.test", {CnameRr("l1.test", "l2.test")}});
  loop.names.push_back({"l2.test", {CnameRr("l2.test", "L1.test")}});
  ChasedAnswer a = ChaseCnames(WireFromDotted("l1.test"), Type::kTxt, loop.Ask(kTxt));
  CHECK(a.status == Status::kTemporary);
  CHECK(a.error == "CNAME loop at l1.test");
  CHECK(loop.asked.size() == 2);
  Zone self;
  self.names.push_back({"me.test", {CnameRr("me.test", "me.test")}});
  ChasedAnswer s = ChaseCnames(WireFromDotted("me.test"), Type::kA, self.Ask(kA));
  CHECK(s.status == Status::kTemporary);
  CHECK(self.asked.size() == 1);
  // a chain of exactly kMaxCnameHops is followed; one more is refused
  for (int length : {kMaxCnameHops, kMaxCnameHops + 1}) {
    Zone chain;
    for (int i = 0; i < length; ++i) {
      std::string from = "c" + std::to_string(i) + ".test", to = "c" + std::to_string(i + 1) + ".test";
      chain.names.push_back({from, {CnameRr(from, to)}});
    }
    std::string end = "c" + std::to_string(length) + ".test";
    chain.names.push_back({end, {Rr{WireFromDotted(end), kTxt, "\x02ok"s}}});
    ChasedAnswer c = ChaseCnames(WireFromDotted("c0.test"), Type::kTxt, chain.Ask(kTxt));
    if (length == kMaxCnameHops) {
      CHECK(c.status == Status::kFound);
      CHECK(c.queries == kMaxCnameHops + 1);
    } else {
      CHECK(c.status == Status::kTemporary);
      CHECK(c.error == "CNAME chain of more than 8 from c0.test");
      CHECK(chain.asked.size() == static_cast<size_t>(kMaxCnameHops + 1));
    }
  }
  // a failure on the way is temporary with its reason
  Zone down;
  down.fail = true;
  ChasedAnswer d = ChaseCnames(WireFromDotted("x.test"), Type::kTxt, down.Ask(kTxt));
  CHECK(d.status == Status::kTemporary);
  CHECK(d.error == "DNS timeout");
}
