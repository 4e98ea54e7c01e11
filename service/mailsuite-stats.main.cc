// mailsuite-stats [-p] [-P hour|day|all] [-z zone]... [file|logdir]...
// Reads mailsuite log lines (multilog directories: their rotated @*.s
// files then current; plain files; or stdin) and prints per period and
// channel messages and bytes in and out, rejections by reason, deferrals
// and bounces.  -p prints Prometheus text format instead (totals).
// DNSBL zones for attributing rblsmtpd blocks come from -z or, by
// default, control/rblzones.  Exit 0, 2 usage, 111 unreadable input.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "control.h"
#include "fd.h"
#include "service/log_stream.h"
#include "service/stats.h"
#include "version.h"

namespace {

int Usage() {
  std::fputs("usage: mailsuite-stats [-p] [-P hour|day|all] [-z zone]... [file|logdir]...\n", stderr);
  return 2;
}

void Feed(ms::setup::Stats* stats, const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t eol = text.find('\n', start);
    if (eol == std::string::npos) eol = text.size();
    stats->AddLine(std::string_view(text).substr(start, eol - start));
    start = eol + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-stats");
  bool prometheus = false;
  ms::setup::Period period = ms::setup::Period::kDay;
  std::vector<std::string> zones, inputs;
  bool zones_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-p") {
      prometheus = true;
    } else if (arg == "-P" && i + 1 < argc) {
      std::string p = argv[++i];
      if (p == "hour") period = ms::setup::Period::kHour;
      else if (p == "day") period = ms::setup::Period::kDay;
      else if (p == "all") period = ms::setup::Period::kAll;
      else return Usage();
    } else if (arg == "-z" && i + 1 < argc) {
      zones.push_back(argv[++i]);
      zones_given = true;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return Usage();
    } else {
      inputs.push_back(arg);
    }
  }
  if (!zones_given) {
    auto lines = ms::Control().Lines("rblzones");
    if (lines) zones = *lines;
  }
  ms::setup::Stats stats(period, zones);
  if (inputs.empty()) inputs.push_back("-");
  for (const auto& input : inputs) {
    std::vector<std::string> files;
    struct stat st;
    if (input != "-" && ::stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      files = ms::setup::LogFiles(input);
    } else {
      files.push_back(input);
    }
    for (const auto& f : files) {
      std::string text;
      if (f == "-") {
        if (!ms::ReadAll(0, &text)) {
          std::perror("mailsuite-stats: stdin");
          return 111;
        }
      } else {
        auto data = ms::ReadFile(f);
        if (!data) {
          std::fprintf(stderr, "mailsuite-stats: %s\n", data.error().message.c_str());
          return 111;
        }
        text = std::move(*data);
      }
      Feed(&stats, text);
    }
  }
  std::string out = prometheus ? stats.Prometheus() : stats.Text();
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}
