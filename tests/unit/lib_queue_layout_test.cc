#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "lib_test_util.h"
#include "queue_layout.h"

using namespace std::string_literals;

namespace {

ms::QueueHeader Header(uint64_t message_length, uint64_t envelope_length, int64_t when) {
  ms::QueueHeader h;
  h.message_length = message_length;
  h.envelope_offset = ms::kQueueHeaderSize + message_length;
  h.envelope_length = envelope_length;
  h.queued_time = when;
  return h;
}

std::string Line(std::string text) {
  text.resize(ms::kQueueHeaderSize - 1, ' ');
  return text + "\n";
}

}  // namespace

TEST_CASE("queue: paths", "[lib][queue_layout]") {
  ms::QueueLayout q("/q");
  CHECK(q.tmp() == "/q/tmp");
  CHECK(q.mess() == "/q/mess");
  CHECK(q.state() == "/q/state");
  CHECK(q.bad() == "/q/bad");
  CHECK(q.trigger() == "/q/trigger");
  CHECK(q.send_lock() == "/q/lock/sendmutex");
  CHECK(q.MessPath("1.2") == "/q/mess/1.2");
  CHECK(q.StatePath("1.2") == "/q/state/1.2");
}

TEST_CASE("queue: CreateQueue makes the layout with its modes, idempotently", "[lib][queue_layout]") {
  ms::test::TempDir dir;
  std::string root = dir / "queue";
  REQUIRE(ms::CreateQueue(root, {}).ok());
  REQUIRE(ms::CreateQueue(root, {}).ok());
  ms::QueueLayout q(root);
  auto mode = [](const std::string& p) {
    struct stat st;
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode;
  };
  CHECK((mode(q.root()) & 07777) == 0750);
  CHECK((mode(q.tmp()) & 07777) == 0700);
  CHECK((mode(q.mess()) & 07777) == 0750);
  CHECK((mode(q.state()) & 07777) == 0750);
  CHECK((mode(q.bad()) & 07777) == 0700);
  CHECK(S_ISFIFO(mode(q.trigger())));
  CHECK((mode(q.trigger()) & 07777) == 0622);
  CHECK(S_ISREG(mode(q.send_lock())));
  CHECK(!ms::CreateQueue(dir / "missing/parent/queue", {}).ok());
}

TEST_CASE("queue: header format and parse", "[lib][queue_layout]") {
  auto h = Header(100, 20, 1763830000);
  std::string text = ms::FormatQueueHeader(h);
  REQUIRE(text.size() == ms::kQueueHeaderSize);
  CHECK(text.back() == '\n');
  CHECK(text.rfind("MSQ1 64 100 164 20 1763830000 ", 0) == 0);
  auto p = ms::ParseQueueHeader(text, 184);
  REQUIRE(p.ok());
  CHECK(p->message_offset == 64);
  CHECK(p->message_length == 100);
  CHECK(p->envelope_offset == 164);
  CHECK(p->envelope_length == 20);
  CHECK(p->queued_time == 1763830000);
  // Extra data after the header (the message) is fine.
  CHECK(ms::ParseQueueHeader(text + "message...", 184).ok());
  // An empty message is allowed.
  CHECK(ms::ParseQueueHeader(ms::FormatQueueHeader(Header(0, 3, 1)), 67).ok());
}

TEST_CASE("queue: hostile headers", "[lib][queue_layout]") {
  auto good = ms::FormatQueueHeader(Header(100, 20, 5));
  CHECK(!ms::ParseQueueHeader(good, 185).ok());                      // file size mismatch
  CHECK(!ms::ParseQueueHeader(good, 183).ok());
  CHECK(!ms::ParseQueueHeader(good.substr(0, 63), 184).ok());        // truncated
  CHECK(!ms::ParseQueueHeader("", 0).ok());
  std::string no_newline = good;
  no_newline[63] = ' ';
  CHECK(!ms::ParseQueueHeader(no_newline, 184).ok());
  for (std::string bad : {
           "MSQ2 64 100 164 20 5"s,                 // wrong magic
           "msq1 64 100 164 20 5"s,
           "MSQ1 64 100 164 20"s,                   // missing field
           "MSQ1 64 100 164 20 5 6"s,               // extra field
           "MSQ1 65 99 164 20 5"s,                  // message not right after the header
           "MSQ1 64 100 165 19 5"s,                 // envelope not right after the message
           "MSQ1 64 100 164 2 5"s,                  // envelope shorter than "F\0T..."
           "MSQ1 64 -100 164 20 5"s,
           "MSQ1 64 1e2 164 20 5"s,
           "MSQ1 64 100 164 20 -5"s,
           "MSQ1 64 100 164 20 99999999999999999999"s,  // 20 digits
           "MSQ1 64 100 164 20 9223372036854775808"s,   // > INT64_MAX
           "MSQ1 64 1\x00""0 164 20 5"s,
           "MSQ1\t64 100 164 20 5"s,
       }) {
    INFO(bad);
    CHECK(!ms::ParseQueueHeader(Line(bad), 184).ok());
  }
  // Numbers that wrap around when added must not pass.
  CHECK(!ms::ParseQueueHeader(Line("MSQ1 64 18446744073709551615 63 18446744073709551552 5"),
                              18446744073709551615ULL)
             .ok());
  CHECK(!ms::ParseQueueHeader(Line("MSQ1 64 10 74 3 5"), 10).ok());  // file smaller than header
  // Leading zeros and extra spaces are tolerated.
  CHECK(ms::ParseQueueHeader(Line("MSQ1  064 100 164 20 5"), 184).ok());
}

TEST_CASE("queue: ids", "[lib][queue_layout]") {
  std::string id = ms::MakeQueueId(2884133, 1763830000123456);
  CHECK(id == "2884133.1763830000123456");
  CHECK(ms::IsValidQueueId(id));
  for (auto bad : {"", ".", "1.", ".1", "1", "1.2.3", "a.1", "1.a", "1 .2", "../1.2", "1.2/",
                   "12345678901234567890.123456789012345678901"}) {
    INFO(bad);
    CHECK(!ms::IsValidQueueId(bad));
  }
  CHECK(!ms::IsValidQueueId("1\0.2"s));
}

TEST_CASE("queue: state records", "[lib][queue_layout]") {
  ms::StateRecord r{3, 'Z', 1763830000, "connection refused"};
  CHECK(ms::FormatStateRecord(r) == "3 Z 1763830000 connection refused\n");
  ms::StateRecord hostile{0, 'D', 1, "evil\nline\r\0x\x7f"s + std::string(2000, 'a')};
  std::string line = ms::FormatStateRecord(hostile);
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  CHECK(line.rfind("0 D 1 evil?line??x?", 0) == 0);
  CHECK(line.size() == std::string("0 D 1 ").size() + 1000 + 1);
  auto parsed = ms::ParseStateFile(line);
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].code == 'D');
}

TEST_CASE("queue: state file parsing, last record wins, torn lines skipped", "[lib][queue_layout]") {
  std::string data =
      "0 Z 100 timeout\n"
      "1 D 101 ok\n"
      "0 Z 102 refused again\n"
      "garbage line\n"
      "2 X 103 unknown code\n"
      "2 ZZ 103 two letters\n"
      "-1 D 104 negative index\n"
      "3 D -5 negative time\n"
      "4 B\n"
      "\n"
      "5 b 106\n"
      "0 B 107 550 no such user\n"
      "6 D 99999999999999999999 overflow\n"
      "2 D 108";  // torn final append: no newline
  auto s = ms::ParseStateFile(data);
  REQUIRE(s.size() == 3);
  CHECK(s[0].code == 'B');
  CHECK(s[0].time == 107);
  CHECK(s[0].reason == "550 no such user");
  CHECK(s[1].code == 'D');
  CHECK(s[5].code == 'b');
  CHECK(s[5].reason.empty());
  CHECK(s.count(2) == 0);
  CHECK(ms::ParseStateFile("").empty());
  CHECK(ms::ParseStateFile(std::string(10 * 1024 * 1024, 'x')).empty());
  CHECK(ms::ParseStateFile("0 D 1 ok\0\n"s).size() == 1);
  CHECK(ms::IsFinalState('D'));
  CHECK(ms::IsFinalState('b'));
  CHECK(!ms::IsFinalState('B'));
  CHECK(!ms::IsFinalState('Z'));
  // Y: deferred, delay notice queued (not final either)
  auto y = ms::ParseStateFile("0 Z 100 later\n0 Y 101 later\n1 Y 102 x\n1 Z 103 y\n");
  CHECK(y[0].code == 'Y');
  CHECK(y[1].code == 'Z');
  CHECK(!ms::IsFinalState('Y'));
}
