#include <catch2/catch.hpp>

#include <string>

#include "smtpd/received.h"
#include "smtpd/session.h"
#include "smtpd_memory_io.h"

using namespace ms::smtpd;
using namespace ms::smtpd::testing;

namespace {

struct Run {
  std::string out;
  std::string reason;
};

Run Drive(const std::string& in, MemoryQueue* queue, Config config = TestConfig(), size_t chunk = 4096,
          bool end_with_timeout = false, bool room = true) {
  MemoryTransport t(in, chunk, end_with_timeout);
  Session s(config, &t, queue->Factory(), QuietHooks(room));
  Run r;
  r.reason = s.Run();
  r.out = t.output;
  return r;
}

const std::string kEnvelope = "EHLO c.example\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<u@example.test>\r\n";

}  // namespace

TEST_CASE("smtpd session accepts a message and queues it with Received", "[smtpd]") {
  MemoryQueue q;
  Run r = Drive(kEnvelope + "DATA\r\nSubject: t\r\n\r\n..x\r\n.\r\nQUIT\r\n", &q);
  CHECK(r.reason == "quit");
  CHECK(r.out.find("220 mail.example.test ESMTP\r\n") == 0);
  CHECK(r.out.find("250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n250-CHUNKING\r\n250 ENHANCEDSTATUSCODES") != std::string::npos);
  CHECK(r.out.find("250 2.0.0 ok 1700000000 qp 4242\r\n") != std::string::npos);
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].envelope.sender == "s@example.net");
  CHECK(q.queued[0].envelope.recipients == std::vector<std::string>{"u@example.test"});
  CHECK(q.queued[0].data ==
        "Received: from c.example (client.example.net [192.0.2.7])\n\tby mail.example.test with ESMTP; "
        "Tue, 14 Nov 2023 22:13:20 +0000\nSubject: t\n\n.x\n");
}

TEST_CASE("smtpd session: sequence errors, unknown and syntax", "[smtpd]") {
  MemoryQueue q;
  Run r = Drive("MAIL FROM:<a@b.example>\r\nHELO\r\nHELO x\r\nRCPT TO:<u@example.test>\r\nDATA\r\n"
                "MAIL FROM:<a@b.example>\r\nMAIL FROM:<a@b.example>\r\nDATA\r\nXYZZY\r\nVRFY u\r\nHELP\r\nNOOP\r\n"
                "RSET\r\nSTARTTLS\r\n",
                &q);
  CHECK(r.reason == "eof");
  const char* expected[] = {"503 5.5.1 send HELO", "501 5.5.4 syntax: HELO", "250 mail.example.test\r\n",
                            "503 5.5.1 need MAIL before RCPT", "503 5.5.1 need MAIL before DATA",
                            "250 2.1.0 ok", "503 5.5.1 nested MAIL", "554 5.5.1 no valid recipients",
                            "502 5.5.1", "252 2.0.0", "214 2.0.0", "250 2.0.0 ok", "502 5.5.1"};
  size_t pos = 0;
  for (const char* e : expected) {
    INFO(e);
    size_t at = r.out.find(e, pos);
    REQUIRE(at != std::string::npos);
    pos = at;
  }
  CHECK(q.queued.empty());
}

TEST_CASE("smtpd session: a line over 512 octets gets 500 and the session goes on", "[smtpd]") {
  MemoryQueue q;
  Run r = Drive("NOOP " + std::string(600, 'a') + "\r\nNOOP\r\nQUIT\r\n", &q, TestConfig(), 100);
  CHECK(r.out.find("500 5.5.2 line too long") != std::string::npos);
  CHECK(r.out.find("250 2.0.0 ok") != std::string::npos);
  CHECK(r.reason == "quit");
  Run edge = Drive("NOOP " + std::string(505, 'a') + "\r\n", &q);  // 512 with CRLF
  CHECK(edge.out.find("500") == std::string::npos);
}

TEST_CASE("smtpd session: smuggled second message is not queued", "[smtpd]") {
  for (std::string form : {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n.\r"}) {
    MemoryQueue q;
    Run r = Drive(kEnvelope + "DATA\r\nSubject: a\r\n\r\nhello" + form +
                      "MAIL FROM:<evil@example.net>\r\nRCPT TO:<u@example.test>\r\nDATA\r\n"
                      "Subject: smuggled\r\n\r\nx\r\n.\r\nQUIT\r\n",
                  &q, TestConfig(), 3);
    INFO("form size " << form.size());
    CHECK(q.queued.empty());
    CHECK(r.out.find("554 5.6.0") != std::string::npos);
    CHECK(r.out.find("2.1.0 ok", r.out.find("354")) == std::string::npos);
    CHECK(r.reason == "quit");
  }
}

TEST_CASE("smtpd session: databytes at MAIL and during DATA", "[smtpd]") {
  Config c = TestConfig();
  c.databytes = 100;
  MemoryQueue q;
  Run big = Drive("EHLO c\r\nMAIL FROM:<s@example.net> SIZE=101\r\nQUIT\r\n", &q, c);
  CHECK(big.out.find("250-SIZE 100") != std::string::npos);
  CHECK(big.out.find("552 5.3.4") != std::string::npos);
  Run data = Drive(kEnvelope + "DATA\r\n" + std::string(50, 'x') + "\r\n" + std::string(60, 'y') +
                       "\r\n.\r\nNOOP\r\n",
                   &q, c, 7);
  CHECK(data.out.find("552 5.3.4 message size exceeds") != std::string::npos);
  CHECK(data.out.find("250 2.0.0 ok", data.out.find("552")) != std::string::npos);  // NOOP after
  CHECK(q.queued.empty());
  CHECK(q.aborted == 1);
  Run fits = Drive(kEnvelope + "DATA\r\n" + std::string(96, 'x') + "\r\n.\r\n", &q, c);
  CHECK(q.queued.size() == 1);
}

TEST_CASE("smtpd session: large message streams in bounded chunks", "[smtpd]") {
  MemoryQueue q;
  std::string line = std::string(998, 'z') + "\r\n";
  std::string body;
  for (int i = 0; i < 2000; ++i) body += line;
  Drive(kEnvelope + "DATA\r\nSubject: big\r\n\r\n" + body + ".\r\n", &q);
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].data.size() > 1900000);
  CHECK(q.max_buffered <= 65536 + 16384);
}

TEST_CASE("smtpd session: oversized header refused", "[smtpd]") {
  MemoryQueue q;
  std::string header;
  for (int i = 0; i < 2000; ++i) header += "X-Filler: " + std::string(90, 'h') + "\r\n";
  Run r = Drive(kEnvelope + "DATA\r\n" + header + "\r\nbody\r\n.\r\n", &q);
  CHECK(r.out.find("552 5.3.4 message header section too large") != std::string::npos);
  CHECK(q.queued.empty());
}

TEST_CASE("smtpd session: maxrcpt, badmailfrom, full queue", "[smtpd]") {
  Config c = TestConfig();
  c.maxrcpt = 2;
  c.relay.badmailfrom = {"@spam.test"};
  MemoryQueue q;
  Run r = Drive("EHLO c\r\nMAIL FROM:<x@spam.test>\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<a@example.test>\r\n"
                "RCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\nhi\r\n.\r\n",
                &q, c);
  CHECK(r.out.find("553 5.7.1 sender refused") != std::string::npos);
  CHECK(r.out.find("452 4.5.3 too many recipients") != std::string::npos);
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].envelope.recipients.size() == 2);
  Run full = Drive("EHLO c\r\nMAIL FROM:<s@example.net>\r\n", &q, TestConfig(), 4096, false, false);
  CHECK(full.out.find("452 4.3.1 insufficient system storage") != std::string::npos);
}

TEST_CASE("smtpd session: timeouts answer 421 and end", "[smtpd]") {
  MemoryQueue q;
  Run idle = Drive("EHLO c\r\n", &q, TestConfig(), 4096, true);
  CHECK(idle.reason == "timeout");
  CHECK(idle.out.find("421 4.4.2 mail.example.test timeout") != std::string::npos);
  Run data = Drive(kEnvelope + "DATA\r\npartial", &q, TestConfig(), 4096, true);
  CHECK(data.reason == "timeout");
  CHECK(q.queued.empty());
  CHECK(q.aborted == 1);
}

TEST_CASE("smtpd session: queue exit codes become replies", "[smtpd]") {
  MemoryQueue q;
  q.exit_code = 31;
  CHECK(Drive(kEnvelope + "DATA\r\nx\r\n.\r\n", &q).out.find("554 5.3.0") != std::string::npos);
  q.exit_code = 53;
  CHECK(Drive(kEnvelope + "DATA\r\nx\r\n.\r\n", &q).out.find("451 4.3.1") != std::string::npos);
  q.exit_code = 82;
  q.custom = "Dvirus found: Eicar";
  CHECK(Drive(kEnvelope + "DATA\r\nx\r\n.\r\n", &q).out.find("554 5.7.1 virus found: Eicar\r\n") !=
        std::string::npos);
}

TEST_CASE("smtpd session: pipelined commands get replies in order in one write", "[smtpd]") {
  MemoryQueue q;
  Run r = Drive("EHLO c\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<u@example.test>\r\nRCPT TO:<v@other.test>\r\n"
                "DATA\r\nx\r\n.\r\nMAIL FROM:<t@example.net>\r\nRCPT TO:<w@example.test>\r\nDATA\r\ny\r\n.\r\nQUIT\r\n",
                &q);
  CHECK(q.queued.size() == 2);
  CHECK(r.out.find("553 5.7.1 relaying denied") != std::string::npos);
}

TEST_CASE("smtpd queue exit mapping", "[smtpd]") {
  ms::ExitStatus s;
  s.exited = true;
  s.code = 11;
  CHECK(MapQueueExit(s, "", 1, 0).reply.rfind("554 5.1.3", 0) == 0);
  s.code = 40;
  CHECK(MapQueueExit(s, "", 1, 0).reply.rfind("554 5.3.0", 0) == 0);
  s.code = 41;
  CHECK(MapQueueExit(s, "", 1, 0).reply.rfind("451 4.3.0", 0) == 0);
  s.code = 82;
  CHECK(MapQueueExit(s, "Ztry later\nsecond line", 1, 0).reply == "451 4.7.1 try later");
  CHECK(MapQueueExit(s, "D554 5.7.0 spam\x01", 1, 0).reply == "554 5.7.0 spam?");
  CHECK(MapQueueExit(s, "", 1, 0).reply.rfind("451 4.3.0", 0) == 0);
  CHECK(MapQueueExit(s, "Xwhat", 1, 0).reply.rfind("451 4.3.0", 0) == 0);
  ms::ExitStatus killed;
  CHECK(MapQueueExit(killed, "", 1, 0).reply.rfind("451", 0) == 0);
}

TEST_CASE("smtpd Received line: IPv6 aware and sanitised", "[smtpd]") {
  CHECK(AddressLiteralText("192.0.2.1") == "192.0.2.1");
  CHECK(AddressLiteralText("2001:DB8::1") == "IPv6:2001:db8::1");
  CHECK(AddressLiteralText("::ffff:192.0.2.1") == "192.0.2.1");
  std::string r = FormatReceived({"evil)\n(x", "", "::1", "me.example", "ESMTP"}, 0);
  CHECK(r == "Received: from evil\?\?\?x (unknown [IPv6:::1])\n\tby me.example with ESMTP; "
             "Thu, 1 Jan 1970 00:00:00 +0000\n");
}

namespace {

// What the TLS layer will do: claim STARTTLS, answer 220, then drop every
// byte the client pipelined behind it and reset the session.
class FakeStartTls : public Extension {
 public:
  void AddEhloKeywords(const Session&, std::vector<std::string>* keywords) override {
    keywords->push_back("STARTTLS");
  }
  bool Handle(const Command& command, Session& session) override {
    if (command.verb == Verb::kAuth) {
      session.set_authenticated(true);
      session.Reply("235 2.7.0 ok");
      return true;
    }
    if (command.verb != Verb::kStartTls) return false;
    session.Reply("220 2.0.0 ready");
    session.Flush();
    session.ResetAfterTls();
    return true;
  }
};

}  // namespace

TEST_CASE("smtpd session: extension slot drops pipelined input after STARTTLS", "[smtpd]") {
  MemoryQueue q;
  MemoryTransport t("EHLO c\r\nSTARTTLS\r\nRSET\r\n", 4096);
  Config c = TestConfig();
  Session s(c, &t, q.Factory(), QuietHooks());
  FakeStartTls tls;
  s.add_extension(&tls);
  s.Run();
  CHECK(t.output.find("250-STARTTLS\r\n") != std::string::npos);
  CHECK(t.output.find("220 2.0.0 ready\r\n") != std::string::npos);
  CHECK(t.output.find("250 2.0.0 ok") == std::string::npos);  // the injected RSET got no reply
}

TEST_CASE("smtpd session: an authenticated client may relay", "[smtpd]") {
  MemoryQueue q;
  MemoryTransport t("EHLO c\r\nAUTH PLAIN x\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<u@other.test>\r\n"
                    "DATA\r\nx\r\n.\r\n",
                    4096);
  Config c = TestConfig();
  Session s(c, &t, q.Factory(), QuietHooks());
  FakeStartTls ext;
  s.add_extension(&ext);
  s.Run();
  REQUIRE(q.queued.size() == 1);
  CHECK(q.queued[0].envelope.recipients == std::vector<std::string>{"u@other.test"});
}

TEST_CASE("smtpd Received date matches gmtime", "[smtpd]") {
  for (time_t t : {static_cast<time_t>(0), static_cast<time_t>(951782400), static_cast<time_t>(1700000000),
                   static_cast<time_t>(4102444799), static_cast<time_t>(-86401), static_cast<time_t>(1709251199)}) {
    struct tm tm;
    gmtime_r(&t, &tm);
    char expect[64];
    strftime(expect, sizeof expect, "%a, %-d %b %Y %H:%M:%S +0000", &tm);
    CHECK(Rfc5322Date(t) == expect);
  }
}

TEST_CASE("smtpd Received keeps an address-literal HELO", "[smtpd]") {
  CHECK(FormatReceived({"[192.0.2.9]", "h.example", "192.0.2.9", "me.example", "SMTP"}, 0)
            .rfind("Received: from [192.0.2.9] (h.example [192.0.2.9])\n\tby me.example with SMTP; ", 0) == 0);
}

TEST_CASE("smtpd Received names the version only when asked to", "[smtpd]") {
  CHECK(!GreetingShowsVersion("mail.example.test"));
  CHECK(!GreetingShowsVersion(""));
  CHECK(!GreetingShowsVersion("mx.example.test ESMTP mailsuitex"));
  CHECK(!GreetingShowsVersion("mx.notmailsuite.test"));
  CHECK(GreetingShowsVersion("mx.example.test mailsuite"));
  CHECK(GreetingShowsVersion("mx.example.test\tMailSuite ready"));
  CHECK(FormatReceived({"h", "", "192.0.2.9", "me.example", "ESMTP", "mailsuite 1.0-gabc"}, 0)
            .rfind("Received: from h (unknown [192.0.2.9])\n\tby me.example (mailsuite 1.0-gabc) with ESMTP; ", 0) == 0);
  CHECK(FormatReceived({"h", "", "192.0.2.9", "me.example", "ESMTP"}, 0).find("mailsuite") == std::string::npos);
}

TEST_CASE("smtpd session: maxerrors ends the session at the limit", "[smtpd]") {
  MemoryQueue q;
  Config c = TestConfig();
  c.max_errors = 3;
  // 502, 501 (HELO), 500 (long line): the third gets 421 instead; 250s and
  // a 554 do not count.
  Run r = Drive("XYZZY\r\nNOOP\r\nHELO\r\nDATA\r\nHELO x\r\n" + std::string(600, 'a') +
                    "\r\nNOOP\r\n",
                &q, c);
  CHECK(r.reason == "maxerrors");
  CHECK(r.out.find("502 5.5.1") != std::string::npos);
  CHECK(r.out.find("501 5.5.4") != std::string::npos);
  CHECK(r.out.find("500 5.5.2") == std::string::npos);
  CHECK(r.out.size() >= 27);
  CHECK(r.out.substr(r.out.size() - 27) == "421 4.7.0 too many errors\r\n");
  // Nothing after the 421 was answered.
  CHECK(r.out.find("250 2.0.0 ok", r.out.find("421 4.7.0")) == std::string::npos);

  c.max_errors = 20;
  std::string probes;
  for (int i = 0; i < 30; ++i) probes += "XYZZY" + std::to_string(i) + "\r\n";
  r = Drive(probes, &q, c);
  CHECK(r.reason == "maxerrors");
  size_t n = 0;
  for (size_t at = 0; (at = r.out.find("502 5.5.1", at)) != std::string::npos; ++at) ++n;
  CHECK(n == 19);

  c.max_errors = 0;  // no limit
  r = Drive(probes, &q, c);
  CHECK(r.reason == "eof");
}

TEST_CASE("smtpd session: stress mode shortens a command wait already under way", "[smtpd]") {
  MemoryQueue q;
  MemoryTransport t("EHLO c\r\n", 4096, true);
  Config c = TestConfig();
  c.timeout_seconds = 1200;
  c.timeout_stress_seconds = 10;
  SessionHooks hooks = QuietHooks();
  bool stress = false;
  std::vector<int> waits;  // the poll timeouts the session asked for, in ms
  int calls = 0;
  hooks.under_stress = [&stress] { return stress; };
  hooks.wait_readable = [&](const ms::Deadline& d) {
    waits.push_back(d.PollTimeout());
    ++calls;
    if (calls == 1) return IdleWait::kReady;  // EHLO arrives
    if (calls == 2) {                          // idle: the listener signals stress
      stress = true;
      return IdleWait::kInterrupted;
    }
    return IdleWait::kTimeout;  // the shortened deadline passes
  };
  Session s(c, &t, q.Factory(), hooks);
  CHECK(s.Run() == "timeout");
  CHECK(t.output.find("421 4.4.2 mail.example.test timeout") != std::string::npos);
  REQUIRE(waits.size() == 3);
  CHECK(waits[0] > 1190000);
  CHECK(waits[1] > 1190000);
  CHECK(waits[2] <= 10000);
  CHECK(waits[2] > 9000);
}

TEST_CASE("smtpd session: no stress, no shortening; a new session under stress starts short", "[smtpd]") {
  MemoryQueue q;
  for (bool stress : {false, true}) {
    MemoryTransport t("", 4096, true);
    Config c = TestConfig();
    c.timeout_seconds = 100;
    c.timeout_stress_seconds = 200;  // never longer than timeoutsmtpd
    SessionHooks hooks = QuietHooks();
    std::vector<int> waits;
    hooks.under_stress = [stress] { return stress; };
    hooks.wait_readable = [&](const ms::Deadline& d) {
      waits.push_back(d.PollTimeout());
      return IdleWait::kTimeout;
    };
    if (stress) c.timeout_stress_seconds = 3;
    Session s(c, &t, q.Factory(), hooks);
    CHECK(s.Run() == "timeout");
    REQUIRE(waits.size() == 1);
    if (stress) CHECK(waits[0] <= 3000);
    else CHECK((waits[0] > 99000 && waits[0] <= 100000));
  }
}

TEST_CASE("smtpd session: tarpit waits before every RCPT past tarpitcount, accepted or not", "[smtpd]") {
  MemoryQueue q;
  Config c = TestConfig();
  c.tarpit_count = 2;
  c.tarpit_delay_seconds = 7;
  std::vector<long> sleeps;
  std::vector<size_t> replies_before_sleep;
  MemoryTransport t("EHLO c\r\nRCPT TO:<early@example.test>\r\nMAIL FROM:<s@example.net>\r\n"
                    "RCPT TO:<a@example.test>\r\nRCPT TO:<x@other.test>\r\nRSET\r\n"
                    "MAIL FROM:<s@example.net>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<bad address>\r\nQUIT\r\n");
  SessionHooks hooks = QuietHooks();
  hooks.sleep = [&](long seconds) {
    sleeps.push_back(seconds);
    replies_before_sleep.push_back(t.output.size());
  };
  Session s(c, &t, q.Factory(), hooks);
  CHECK(s.Run() == "quit");
  // Five RCPTs (one before MAIL, one relayed, one malformed): the third,
  // fourth and fifth wait; RSET and a new MAIL do not reset the count.
  CHECK(sleeps == std::vector<long>{7, 7, 7});
  // Replies already due go out before each wait (pipelined input).
  CHECK(replies_before_sleep[0] > 0);
  CHECK(t.output.find("503 5.5.1 need MAIL before RCPT") != std::string::npos);
  CHECK(t.output.find("553 5.7.1 relaying denied") != std::string::npos);
  CHECK(t.output.find("221 2.0.0") != std::string::npos);
}

TEST_CASE("smtpd session: no tarpit by default, nor with tarpitdelay 0", "[smtpd]") {
  for (long delay : {5L, 0L}) {
    MemoryQueue q;
    Config c = TestConfig();
    if (delay == 0) c.tarpit_count = 1;
    c.tarpit_delay_seconds = delay;
    int sleeps = 0;
    std::string in = "EHLO c\r\nMAIL FROM:<s@example.net>\r\n";
    for (int i = 0; i < 30; ++i) in += "RCPT TO:<u" + std::to_string(i) + "@example.test>\r\n";
    MemoryTransport t(in + "QUIT\r\n");
    SessionHooks hooks = QuietHooks();
    hooks.sleep = [&](long) { ++sleeps; };
    Session s(c, &t, q.Factory(), hooks);
    CHECK(s.Run() == "quit");
    CHECK(sleeps == 0);
  }
}

TEST_CASE("smtpd session: greetdelay, a client that talks first gets 554 and no 220", "[smtpd]") {
  MemoryQueue q;
  Config c = TestConfig();
  c.greet_delay_ms = 50;
  MemoryTransport early("EHLO bot\r\nMAIL FROM:<s@example.net>\r\n");
  Session s(c, &early, q.Factory(), QuietHooks());
  CHECK(s.Run() == "pregreet");
  CHECK(early.output == "554 5.5.1 protocol error: you spoke before the greeting\r\n");

  // A client that waits (the read times out) is greeted and served.
  MemoryTransport patient("", 4096, true);
  Session p(c, &patient, q.Factory(), QuietHooks());
  CHECK(p.Run() == "timeout");
  CHECK(patient.output.rfind("220 ", 0) == 0);

  // greetdelay 0: no wait, pipelined input before the greeting is served.
  c.greet_delay_ms = 0;
  MemoryTransport eager("EHLO c\r\nQUIT\r\n");
  Session e(c, &eager, q.Factory(), QuietHooks());
  CHECK(e.Run() == "quit");
}
