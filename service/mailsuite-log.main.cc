// mailsuite-log [-f] [-d LOGDIR | --root DIR] [ID]
// The services' multilog logs (LOGDIR/<service>/@*.s, current; default
// /var/log/mailsuite, --root DIR: DIR/log as mailsuite-setup --root
// writes) as one stream in time order, each line led by its local time
// and service.  ID (a queue id, or a Message-ID) keeps only that
// message's life: smtpd -> queue -> send -> local/remote (log_trace.h).
// -f keeps following the logs (as tail -F), until killed.
// Exit 0; 1 an ID matched nothing (without -f); 2 usage; 111 the log
// directory is unreadable.
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "fd.h"
#include "service/log_stream.h"
#include "service/log_trace.h"
#include "version.h"

namespace {

using ms::setup::LogEntry;

constexpr useconds_t kFollowIntervalUs = 200000;

int Usage() {
  std::fputs("usage: mailsuite-log [-f] [-d LOGDIR | --root DIR] [queue-id | message-id]\n", stderr);
  return 2;
}

// Prints what the stream holds now (what the filter keeps, with one);
// returns how many lines it printed.
size_t PrintAvailable(ms::setup::LogMerge* merge, std::optional<ms::setup::MessageTrace>* trace) {
  std::string out;
  size_t printed = 0;
  auto flush = [&out]() {
    if (!out.empty() && !ms::WriteAll(1, out)) ::_exit(111);
    out.clear();
  };
  auto add = [&out, &printed, &flush](const LogEntry& e) {
    out += ms::setup::LocalTimeText(e.stamp) + " " + e.service + " " + e.text + "\n";
    ++printed;
    if (out.size() >= 65536) flush();
  };
  std::vector<LogEntry> kept;  // one message's lines: few
  LogEntry e;
  while (merge->Next(&e)) {
    if (!*trace) {
      add(e);
      continue;
    }
    for (LogEntry& k : (*trace)->Feed(e)) kept.push_back(std::move(k));
  }
  ms::setup::SortByTime(&kept);  // a linked smtpd line may come back late
  for (const LogEntry& k : kept) add(k);
  flush();
  return printed;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-log");
  std::string logs = "/var/log/mailsuite";
  std::string wanted;
  bool follow = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-f") {
      follow = true;
    } else if (arg == "-d" && i + 1 < argc) {
      logs = argv[++i];
    } else if (arg == "--root" && i + 1 < argc) {
      logs = std::string(argv[++i]) + "/log";
    } else if (!arg.empty() && arg[0] != '-' && wanted.empty()) {
      wanted = arg;
    } else {
      return Usage();
    }
  }
  std::optional<ms::setup::MessageTrace> trace;
  if (!wanted.empty()) trace.emplace(wanted);
  auto merge = ms::setup::LogMerge::Open(logs);
  if (!merge) {
    ms::WriteAll(2, "mailsuite-log: " + merge.error().message + "\n");
    return 111;
  }
  size_t printed = PrintAvailable(&*merge, &trace);
  if (!follow) return trace && printed == 0 ? 1 : 0;
  for (;;) {
    ::usleep(kFollowIntervalUs);
    merge->FollowRotations();
    PrintAvailable(&*merge, &trace);
  }
}
