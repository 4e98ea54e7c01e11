// CHUNKING (RFC 3030) through the real session state machine, and the
// BDAT argument parser against hostile sizes.
#include <catch2/catch.hpp>

#include <string>

#include "smtpd/bdat.h"
#include "smtpd/session.h"
#include "smtpd_memory_io.h"

using namespace ms::smtpd;
using namespace ms::smtpd::testing;

namespace {

struct Run {
  std::string out;
  std::string reason;
};

Run Drive(const std::string& in, MemoryQueue* queue, Config config = TestConfig(), size_t chunk = 4096) {
  MemoryTransport t(in, chunk);
  Session s(config, &t, queue->Factory(), QuietHooks());
  Run r;
  r.reason = s.Run();
  r.out = t.output;
  return r;
}

const std::string kEnvelope = "EHLO c.example\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<u@example.test>\r\n";
const std::string kReceived =
    "Received: from c.example (client.example.net [192.0.2.7])\n\tby mail.example.test with ESMTP; "
    "Tue, 14 Nov 2023 22:13:20 +0000\n";

std::string Bdat(const std::string& data, bool last) {
  return "BDAT " + std::to_string(data.size()) + (last ? " LAST" : "") + "\r\n" + data;
}

}  // namespace

TEST_CASE("BDAT arguments: sizes and LAST", "[smtpd][bdat]") {
  CHECK(ParseBdatArgs("0 LAST")->last);
  CHECK(ParseBdatArgs("0 LAST")->size == 0);
  CHECK(ParseBdatArgs("12 last")->size == 12);
  CHECK(!ParseBdatArgs("12")->last);
  CHECK(ParseBdatArgs("18446744073709551615")->size == UINT64_MAX);
  CHECK(!ParseBdatArgs("18446744073709551616"));  // 2^64
  CHECK(!ParseBdatArgs("99999999999999999999999999"));
  CHECK(!ParseBdatArgs("000000000000000000001"));  // 21 digits
  CHECK(!ParseBdatArgs("-1"));
  CHECK(!ParseBdatArgs("+1"));
  CHECK(!ParseBdatArgs("0x10"));
  CHECK(!ParseBdatArgs("1e3"));
  CHECK(!ParseBdatArgs(""));
  CHECK(!ParseBdatArgs("LAST"));
  CHECK(!ParseBdatArgs("10 LAST junk"));
  CHECK(!ParseBdatArgs("10 FIRST"));
}

TEST_CASE("BDAT: chunks make one message, no dot-unstuffing, CHUNKING offered", "[smtpd][bdat]") {
  MemoryQueue q;
  Run r = Drive(kEnvelope + Bdat("Subject: t\r\n\r\n..x\r\n", false) + Bdat(".\r\nend\r\n", false) +
                    Bdat("", true) + "QUIT\r\n",
                &q, TestConfig(), 7);
  CHECK(r.reason == "quit");
  CHECK(r.out.find("250-CHUNKING\r\n") != std::string::npos);
  CHECK(r.out.find("250 2.0.0 19 octets received\r\n") != std::string::npos);
  CHECK(r.out.find("250 2.0.0 ok 1700000000 qp 4242\r\n") != std::string::npos);
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].data == kReceived + "Subject: t\n\n..x\n.\nend\n");
  CHECK(q.queued[0].envelope.recipients == std::vector<std::string>{"u@example.test"});
}

TEST_CASE("BDAT 0 LAST alone queues the Received line only; CRLF split across chunks", "[smtpd][bdat]") {
  MemoryQueue q;
  Run r = Drive(kEnvelope + Bdat("a\r", false) + Bdat("\nb\r\n", true) + kEnvelope.substr(16) + "BDAT 0 LAST\r\n",
                &q);
  REQUIRE(q.queued.size() == 2);
  CHECK(q.queued[0].data == kReceived + "a\nb\n");
  CHECK(q.queued[1].data == kReceived);
}

TEST_CASE("BDAT refused chunks are read and dropped; the stream stays in step", "[smtpd][bdat]") {
  MemoryQueue q;
  // No MAIL: the chunk holds what looks like commands; none may run.
  Run r = Drive("EHLO c\r\n" + Bdat("MAIL FROM:<evil@x>\r\nRCPT TO:<u@example.test>\r\n", true) +
                    "MAIL FROM:<a@example.net>\r\n" + Bdat("QUIT\r\n", true) + "NOOP\r\nQUIT\r\n",
                &q);
  CHECK(r.reason == "quit");
  CHECK(r.out.find("503 5.5.1 need MAIL before BDAT") != std::string::npos);
  CHECK(r.out.find("554 5.5.1 no valid recipients") != std::string::npos);
  CHECK(r.out.find("evil") == std::string::npos);
  CHECK(r.out.find("250 2.0.0 ok\r\n221") != std::string::npos);  // NOOP, then the real QUIT
  CHECK(q.queued.empty());
}

TEST_CASE("BDAT: bare LF in a chunk refuses the message at that chunk; later chunks dropped", "[smtpd][bdat]") {
  MemoryQueue q;
  Run r = Drive(kEnvelope + Bdat("a\nb\r\n", false) + Bdat("QUIT\r\n", true) + "NOOP\r\n", &q);
  CHECK(r.reason == "eof");
  CHECK(r.out.find("554 5.6.0 message refused: bare CR or LF") != std::string::npos);
  CHECK(r.out.find("503 5.5.1 need MAIL before BDAT") != std::string::npos);
  CHECK(r.out.find("221") == std::string::npos);
  CHECK(q.queued.empty());
  CHECK(q.aborted == 1);
}

TEST_CASE("BDAT: a CR at the very end of the message is bare", "[smtpd][bdat]") {
  MemoryQueue q;
  Run r = Drive(kEnvelope + Bdat("a\r\nb\r", true), &q);
  CHECK(r.out.find("554 5.6.0") != std::string::npos);
  CHECK(q.queued.empty());
}

TEST_CASE("BDAT: databytes, chunk over it, huge declared size", "[smtpd][bdat]") {
  MemoryQueue q;
  Config c = TestConfig();
  c.databytes = 100;
  std::string big(150, 'x');
  Run r = Drive(kEnvelope + Bdat(big, false) + "NOOP\r\n", &q, c);
  CHECK(r.out.find("552 5.3.4 message size exceeds") != std::string::npos);
  CHECK(r.out.find("250 2.0.0 ok\r\n") != std::string::npos);  // NOOP after the 150 octets
  CHECK(q.queued.empty());
  // A size the client never sends: the session waits for it and ends at EOF.
  MemoryQueue q2;
  Run r2 = Drive(kEnvelope + "BDAT 18446744073709551615\r\nabc", &q2);
  CHECK(r2.reason == "eof");
  CHECK(q2.queued.empty());
  CHECK(q2.aborted == 1);
}

TEST_CASE("BDAT: unreadable sizes close the session", "[smtpd][bdat]") {
  for (std::string bad : {"18446744073709551616", "-5", "5x", "", "1 LAST LAST"}) {
    MemoryQueue q;
    Run r = Drive(kEnvelope + "BDAT " + bad + "\r\nQUIT\r\n", &q);
    CHECK(r.reason == "bdat syntax");
    CHECK(r.out.find("501 5.5.4 syntax: BDAT size [LAST]") != std::string::npos);
    CHECK(r.out.find("221") == std::string::npos);
  }
}

TEST_CASE("BDAT: DATA inside a BDAT transaction is 503; RSET clears it", "[smtpd][bdat]") {
  MemoryQueue q;
  Run r = Drive(kEnvelope + Bdat("a\r\n", false) + "DATA\r\nRSET\r\n" + kEnvelope.substr(16) +
                    "DATA\r\nx\r\n.\r\n",
                &q);
  CHECK(r.out.find("503 5.5.1 DATA after BDAT") != std::string::npos);
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].data == kReceived + "x\n");
  CHECK(q.aborted == 1);
}

TEST_CASE("BDAT: memory stays bounded for a large message in odd chunks", "[smtpd][bdat]") {
  MemoryQueue q;
  std::string in = kEnvelope;
  std::string line(998, 'y');
  line += "\r\n";
  in += Bdat("Subject: big\r\n\r\n", false);
  std::string expect = "Subject: big\n\n";
  for (int i = 0; i < 300; ++i) {
    in += Bdat(line.substr(0, 500), false) + Bdat(line.substr(500), false);
    expect += std::string(998, 'y') + "\n";
  }
  in += "BDAT 0 LAST\r\n";
  Run r = Drive(in, &q, TestConfig(), 3000);
  INFO(r.out.substr(r.out.size() > 300 ? r.out.size() - 300 : 0));
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].data == kReceived + expect);
  CHECK(q.max_buffered <= 65536 + 1000);
}

TEST_CASE("BDAT: too many hops and a huge header are refused as in DATA", "[smtpd][bdat]") {
  MemoryQueue q;
  std::string hops;
  for (int i = 0; i < 101; ++i) hops += "Received: x\r\n";
  Run r = Drive(kEnvelope + Bdat(hops + "\r\nbody\r\n", true), &q);
  CHECK(r.out.find("554 5.4.6 too many hops") != std::string::npos);
  CHECK(q.queued.empty());
}
