#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "service/log_stream.h"
#include "service/log_trace.h"
#include "lib_test_util.h"

using namespace ms::setup;

namespace {

// A TAI64N stamp for unix seconds + nanoseconds.
std::string Stamp(long long secs, long nanos) {
  char buf[32];
  snprintf(buf, sizeof buf, "@%016llx%08lx", 4611686018427387914ULL + secs, nanos);
  return buf;
}

std::vector<std::string> Trace(const std::string& wanted, const std::vector<LogEntry>& entries) {
  MessageTrace trace(wanted);
  std::vector<LogEntry> kept;
  for (const auto& e : entries)
    for (auto& k : trace.Feed(e)) kept.push_back(k);
  SortByTime(&kept);
  std::vector<std::string> out;
  for (const auto& k : kept) out.push_back(k.text);
  return out;
}

}  // namespace

TEST_CASE("log stream: TAI64N stamps to local time", "[service][log]") {
  CHECK(StampNanos(Stamp(1795374953, 343547500)) == 1795374953343547500LL);
  CHECK(!StampNanos("@4000"));
  CHECK(!StampNanos("@40000000zz033f73147a1e6c"));
  CHECK(!StampNanos(Stamp(1, 1000000000)));  // nanoseconds out of range
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(LocalTimeText(Stamp(1795374953, 343547500)) == "2026-11-22 19:15:53.343547");
  setenv("TZ", "Asia/Seoul", 1);
  tzset();
  CHECK(LocalTimeText(Stamp(1795374953, 343547500)) == "2026-11-23 04:15:53.343547");
  unsetenv("TZ");
  tzset();
  CHECK(LocalTimeText("not a stamp") == "not a stamp");
}

TEST_CASE("log stream: lines split, partial kept, stamps inherited, merged by time", "[service][log]") {
  std::string partial, last;
  std::vector<LogEntry> out;
  SplitEntries(Stamp(10, 5) + " a: x\nno stamp\n" + Stamp(12, 0) + " b: y", "smtpd", &partial, &last, &out);
  REQUIRE(out.size() == 2);
  CHECK(out[1].stamp == Stamp(10, 5));
  CHECK(out[1].text == "no stamp");
  SplitEntries(" z\n", "smtpd", &partial, &last, &out);
  REQUIRE(out.size() == 3);
  CHECK(out[2].text == "b: y z");
  CHECK(partial.empty());
  std::vector<LogEntry> merged = {{Stamp(3, 0), "send", "c"}, {Stamp(1, 0), "smtpd", "a"}, {Stamp(2, 0), "send", "b"}};
  SortByTime(&merged);
  CHECK(merged[0].text == "a");
  CHECK(merged[2].text == "c");
}

TEST_CASE("log trace: queue id, Message-ID and smtpd's qp link", "[service][log]") {
  CHECK(IsQueueId("10960830.1795374953330350"));
  CHECK(!IsQueueId("<a@b>"));
  CHECK(!IsQueueId("1."));
  CHECK(!IsQueueId(".1"));
  const std::string id = "10960830.1795374953330350";  // created 1795374953.330350
  std::vector<LogEntry> log = {
      {Stamp(1795374950, 0), "smtpd", "smtpd: message ip=1 helo=h from=a rcpts=1 bytes=1 result=accepted id=\"1795374950 qp 77\""},
      {Stamp(1795374953, 339379000), "send", "mailsuite-send: new msg=" + id + " bytes=4 from=a rcpts=1 qp=77 mid=<m@x>"},
      {Stamp(1795374953, 340000000), "smtpd", "smtpd: message ip=1 helo=h from=a rcpts=1 bytes=1 result=accepted id=\"1795374953 qp 77\""},
      {Stamp(1795374953, 341000000), "send", "mailsuite-send: new msg=1.1795374953340999 bytes=4 from=a rcpts=1 qp=78"},
      {Stamp(1795374953, 342000000), "send", "mailsuite-send: delivery delivery=1 msg=" + id + " to=u result=success reason=ok"},
      {Stamp(1795374953, 342500000), "send", "mailsuite-send: delivery delivery=2 msg=1.1795374953340999 to=u result=success reason=ok"},
      {Stamp(1795374953, 343000000), "send", "mailsuite-send: end msg=" + id},
  };
  auto by_id = Trace(id, log);
  REQUIRE(by_id.size() == 4);
  CHECK(by_id[0].rfind("mailsuite-send: new", 0) == 0);
  CHECK(by_id[1].find("id=\"1795374953 qp 77\"") != std::string::npos);  // not the older qp 77 line
  CHECK(by_id[3] == "mailsuite-send: end msg=" + id);
  CHECK(Trace("<m@x>", log) == by_id);
  CHECK(Trace("m@x", log) == by_id);
  CHECK(Trace("<other@x>", log).empty());
  // smtpd's line logged before send's `new` is linked as well.
  std::swap(log[1], log[2]);
  std::swap(log[1].stamp, log[2].stamp);
  auto early = Trace(id, log);
  REQUIRE(early.size() == 4);
  CHECK(early[0].rfind("smtpd: message", 0) == 0);
}

namespace {

void WriteText(const std::string& path, const std::string& text, bool append = false) {
  FILE* f = std::fopen(path.c_str(), append ? "a" : "w");
  REQUIRE(f != nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

std::vector<std::string> Drain(LogMerge* merge) {
  std::vector<std::string> out;
  LogEntry e;
  while (merge->Next(&e)) out.push_back(e.service + " " + e.text);
  return out;
}

}  // namespace

TEST_CASE("log merge: services' rotated and current files in time order, then followed", "[service][log]") {
  ms::test::TempDir dir;
  const std::string logs = dir.path();
  for (const char* s : {"send", "smtpd", "empty-dir"}) ::mkdir((logs + "/" + s).c_str(), 0755);
  WriteText(logs + "/smtpd/@400000000000000100000000.s", Stamp(1, 0) + " smtpd: a\n" + Stamp(4, 0) + " smtpd: d");
  WriteText(logs + "/smtpd/current", Stamp(5, 0) + " smtpd: e\n");
  WriteText(logs + "/send/current", Stamp(2, 0) + " mailsuite-send: b\nno stamp c\n" + Stamp(6, 0) + " half");
  auto merge = LogMerge::Open(logs);
  REQUIRE(merge);
  CHECK(Drain(&*merge) == std::vector<std::string>{"smtpd smtpd: a", "send mailsuite-send: b", "send no stamp c",
                                                   "smtpd smtpd: d", "smtpd smtpd: e"});
  // The half line of current waits for its newline; new lines follow.
  WriteText(logs + "/send/current", " line\n", true);
  WriteText(logs + "/smtpd/current", Stamp(7, 0) + " smtpd: f\n", true);
  CHECK(Drain(&*merge) == std::vector<std::string>{"send half line", "smtpd smtpd: f"});
  // multilog rotates: the old file's last lines, then the new current.
  WriteText(logs + "/smtpd/current", Stamp(8, 0) + " smtpd: g\n", true);
  REQUIRE(::rename((logs + "/smtpd/current").c_str(), (logs + "/smtpd/@400000000000000800000000.s").c_str()) == 0);
  WriteText(logs + "/smtpd/current", Stamp(9, 0) + " smtpd: h\n");
  merge->FollowRotations();
  CHECK(Drain(&*merge) == std::vector<std::string>{"smtpd smtpd: g", "smtpd smtpd: h"});
  CHECK(!LogMerge::Open(logs + "/nothing"));
}
