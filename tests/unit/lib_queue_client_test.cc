// lib/queue_client: the one qmail-queue client, run against real shell
// scripts standing in for queue programs and filters.
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "deadline.h"
#include "queue_client.h"

namespace {

// A queue program: an executable shell script in a fresh directory.
struct Script {
  std::string dir;
  std::string path;
  explicit Script(const std::string& body) {
    char tmpl[] = "/tmp/queue-client-test.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir + "/qq";
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
  }
  ~Script() {
    std::string cmd = "rm -rf '" + dir + "'";
    (void)::system(cmd.c_str());
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

ms::QueueVerdict Send(const Script& s, const std::string& message, int seconds = 10) {
  ::signal(SIGPIPE, SIG_IGN);
  ms::QueueClient q;
  REQUIRE(q.Start(s.path).ok());
  q.Write(message, ms::Deadline::AfterSeconds(seconds));
  return q.Finish(std::string("Fa@b\0Tc@d\0\0", 12), ms::Deadline::AfterSeconds(seconds));
}

}  // namespace

TEST_CASE("queue client: message on fd 0, envelope on fd 1, exit 0 queues", "[lib][queue_client]") {
  Script s("cat > \"$(dirname \"$0\")/msg\"; cat <&1 > \"$(dirname \"$0\")/env\"; exit 0");
  auto v = Send(s, "Subject: x\n\nbody\n");
  CHECK(v.queued);
  CHECK(s.Read("msg") == "Subject: x\n\nbody\n");
  CHECK(s.Read("env") == std::string("Fa@b\0Tc@d\0\0", 12));
}

TEST_CASE("queue client: a write failure wins over exit 0", "[lib][queue_client]") {
  // Reads 4 KiB of 1 MB and says "queued": qmail's "qq write error".
  Script s("head -c 4096 > /dev/null; exit 0");
  auto v = Send(s, std::string(1 << 20, 'x'));
  CHECK_FALSE(v.queued);
  CHECK_FALSE(v.permanent);
  CHECK(v.write_failed);
  CHECK(v.enhanced == "4.3.0");
  CHECK(v.status.exited);
  CHECK(v.status.code == 0);
}

TEST_CASE("queue client: an envelope that is not read wins over exit 0", "[lib][queue_client]") {
  // Closes fd 1 unread, takes the message, exits 0: the envelope write
  // (after the message's end) finds no reader.  The message is larger
  // than a pipe holds, so fd 1 is closed before the message is through.
  Script s("exec 1>&-; cat > /dev/null; exit 0");
  auto v = Send(s, std::string(1 << 20, 'x'));
  CHECK_FALSE(v.queued);
  CHECK(v.write_failed);
}

TEST_CASE("queue client: a hanging program is killed at the deadline", "[lib][queue_client]") {
  Script s("exec sleep 30");
  int64_t start = ms::MonotonicMs();
  auto v = Send(s, "Subject: x\n\nbody\n", 1);
  int64_t took = ms::MonotonicMs() - start;
  CHECK_FALSE(v.queued);
  CHECK(v.timed_out);
  CHECK(v.enhanced == "4.3.0");
  CHECK(took >= 1000);
  CHECK(took < 5000);
}

TEST_CASE("queue client: a program that stops reading a big message times out", "[lib][queue_client]") {
  // Never reads: the pipe fills and the write waits until its deadline.
  Script s("exec sleep 30");
  int64_t start = ms::MonotonicMs();
  auto v = Send(s, std::string(4 << 20, 'x'), 1);
  CHECK_FALSE(v.queued);
  CHECK(v.write_failed);
  CHECK(v.timed_out);
  CHECK(ms::MonotonicMs() - start < 6000);
}

TEST_CASE("queue client: a filter's fd 6 reply with exit 82", "[lib][queue_client]") {
  Script d("cat > /dev/null; cat <&1 > /dev/null; printf 'D5.7.1 virus found\\nmore' >&6; exit 82");
  auto v = Send(d, "x\n");
  CHECK(v.from_filter);
  CHECK(v.permanent);
  CHECK(v.enhanced == "5.7.1");
  CHECK(v.text == "virus found");
  CHECK(v.filter_line == "5.7.1 virus found");
  Script z("cat > /dev/null; cat <&1 > /dev/null; printf 'Zgreylisted' >&6; exit 82");
  v = Send(z, "x\n");
  CHECK_FALSE(v.permanent);
  CHECK(v.enhanced == "4.7.1");
  CHECK(v.text == "greylisted");
  Script none("cat > /dev/null; cat <&1 > /dev/null; exit 82");
  v = Send(none, "x\n");
  CHECK_FALSE(v.from_filter);
  CHECK_FALSE(v.permanent);
  CHECK(v.enhanced == "4.3.0");
}

TEST_CASE("queue client: hostile filter replies", "[lib][queue_client]") {
  ms::ExitStatus e82{true, 82, 0};
  auto v = ms::MakeQueueVerdict(e82, false, false, "D554 5.7.0 spam\x01\x7f\r\nsecond");
  CHECK(v.permanent);
  CHECK(v.enhanced == "5.7.0");
  CHECK(v.text == "spam??");
  v = ms::MakeQueueVerdict(e82, false, false, "Z5.7.1 wrong class");
  CHECK(v.enhanced == "4.7.1");
  CHECK(v.text == "5.7.1 wrong class");
  v = ms::MakeQueueVerdict(e82, false, false, "D" + std::string(5000, 'a'));
  CHECK(v.text.size() == 400);
  v = ms::MakeQueueVerdict(e82, false, false, "D");
  CHECK(v.text == "message refused");
  v = ms::MakeQueueVerdict(e82, false, false, std::string("D\0x", 3));
  CHECK(v.text == "?x");
  v = ms::MakeQueueVerdict(e82, false, false, "X5.7.1 no");
  CHECK_FALSE(v.from_filter);
  CHECK(v.enhanced == "4.3.0");
  v = ms::MakeQueueVerdict(e82, false, false, "D5.1234.1 odd");
  CHECK(v.enhanced == "5.7.1");
  // exit 82 after a failed write: the write error wins too
  v = ms::MakeQueueVerdict({true, 0, 0}, true, false, "Dignored");
  CHECK_FALSE(v.queued);
}

TEST_CASE("queue client: one table for the exit codes", "[lib][queue_client]") {
  CHECK(ms::MeaningOfQueueExit(11).permanent);
  CHECK(std::string(ms::MeaningOfQueueExit(11).enhanced) == "5.1.3");
  CHECK(ms::MeaningOfQueueExit(31).permanent);
  CHECK(ms::MeaningOfQueueExit(40).permanent);
  CHECK_FALSE(ms::MeaningOfQueueExit(41).permanent);
  CHECK_FALSE(ms::MeaningOfQueueExit(10).permanent);
  CHECK(std::string(ms::MeaningOfQueueExit(53).enhanced) == "4.3.1");
  CHECK(ms::MeaningOfQueueExit(53).text.find("disk full") != std::string::npos);
  for (int code = 1; code < 256; ++code) {
    auto m = ms::MeaningOfQueueExit(code);
    CHECK(m.enhanced[0] == (m.permanent ? '5' : '4'));
    CHECK_FALSE(m.text.empty());
  }
  auto killed = ms::MakeQueueVerdict({false, -1, 9}, false, false, "");
  CHECK_FALSE(killed.queued);
  CHECK_FALSE(killed.permanent);
  CHECK(killed.Reason().find("(#4.3.0)") != std::string::npos);
}

TEST_CASE("queue client: a missing program cannot start", "[lib][queue_client]") {
  ms::QueueClient q;
  CHECK_FALSE(q.Start("/nonexistent/queue-program").ok());
}
