// mailsuite-rblcheck: where is an address or domain listed?  DNS zones
// (all asked in parallel) and local rbldnsd datasets.  See README.md.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fd.h"
#include "rblcheck/dataset.h"
#include "dns_lookup.h"
#include "rblcheck/dnsbl_name.h"
#include "rblcheck/rbl_policy.h"
#include "rblcheck/zone_check.h"
#include "version.h"

namespace {

using namespace ms::rbl;
using ms::FormatIpv4;
using ms::IpAddress;

constexpr int kExitNotListed = 0, kExitListed = 1, kExitUsage = 100, kExitTemporary = 111;

const char kUsage[] =
    "usage: mailsuite-rblcheck [-k] [-r zone[:lo-hi]]... [-a zone]... [-d type:file[,file]]... "
    "address|domain|-...\n";

struct Source {
  std::string label;
  ZoneOption zone;                   // DNS zone
  std::unique_ptr<Dataset> dataset;  // or a local dataset
};

struct Subject {
  std::string text;
  std::optional<IpAddress> ip;
  std::string prefix;  // DNS name prefix: reversed address or "domain."
};

constexpr size_t kBatch = 64;  // subjects whose DNS questions are in flight together

[[noreturn]] void Fail(int code, const std::string& message) {
  std::fflush(stdout);
  ms::WriteAll(2, "mailsuite-rblcheck: " + message + "\n");
  _exit(code);
}

Subject MakeSubject(std::string text) {
  Subject s;
  s.text = std::move(text);
  s.ip = ParseIp(s.text);
  if (s.ip) {
    s.prefix = ReversedPrefix(s.ip->ToString());
    return s;
  }
  if (s.text.empty() || s.text.size() > 253 ||
      s.text.find_first_of(std::string_view(" \t\r\n/\\\0", 7)) != std::string::npos) {
    Fail(kExitUsage, "not an address or domain: " + s.text);
  }
  std::string domain = s.text;
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  s.prefix = domain + ".";
  return s;
}

std::string Quote(const std::string& text) { return " \"" + text + "\""; }

// One result line; returns the exit code it stands for.
int ReportDns(const Subject& s, const Source& src, ZoneCheck* check) {
  ZoneOutcome out = check->Outcome(ms::Deadline::Never());
  std::string line = s.text + " " + src.label + ": ";
  int code = kExitNotListed;
  if (out.temporary_failure) {
    line += "temporary failure";
    code = kExitTemporary;
  } else if (!out.listed) {
    line += "not listed";
  } else if (src.zone.kind == ZoneKind::kAntiList) {
    line += "anti-listed " + FormatIpv4(*check->code());
  } else {
    line += "listed";
    if (check->code()) line += " " + FormatIpv4(*check->code());
    if (!out.text.empty()) line += Quote(out.text);
    code = kExitListed;
  }
  std::printf("%s\n", line.c_str());
  return code;
}

int ReportDataset(const Subject& s, const Source& src) {
  const Dataset& set = *src.dataset;
  std::string line = s.text + " " + src.label + ": ";
  Listing l;
  if (set.is_ip4() ? !(s.ip && !s.ip->v6) : s.ip.has_value()) {
    std::printf("%snot applicable\n", line.c_str());
    return kExitNotListed;
  }
  l = set.is_ip4() ? set.LookupIp4(s.ip->V4Number()) : set.LookupDomain(s.text);
  if (!l.listed) {
    std::printf("%snot listed\n", line.c_str());
    return kExitNotListed;
  }
  line += "listed " + FormatIpv4(l.a);
  if (l.has_txt) line += Quote(l.txt);
  std::printf("%s\n", line.c_str());
  return kExitListed;
}

// The -k, -r, -a and -d options in order; *require_cksum for -k.
std::vector<Source> ParseSources(int argc, char** argv, bool* require_cksum) {
  std::vector<Source> sources;
  int opt;
  while ((opt = getopt(argc, argv, "+kr:a:d:")) != -1) {
    Source src;
    switch (opt) {
      case 'k':
        *require_cksum = true;
        continue;
      case 'r': {
        auto zone = ParseListZone(optarg);
        if (!zone) Fail(kExitUsage, zone.error().message);
        src.zone = std::move(*zone);
        if (src.zone.kind == ZoneKind::kTxtList) {
          // A DNSBL lists with an A record: any A counts, the TXT is shown.
          src.zone.kind = ZoneKind::kRangeList;
          src.zone.low = 0;
          src.zone.high = 0xffffffffu;
        }
        src.label = src.zone.zone;
        break;
      }
      case 'a':
        src.zone.kind = ZoneKind::kAntiList;
        src.zone.zone = optarg;
        src.label = optarg;
        break;
      case 'd':
        src.label = optarg;
        break;
      default:
        Fail(kExitUsage, kUsage);
    }
    sources.push_back(std::move(src));
  }
  return sources;
}

// Datasets load after option parsing so that -k applies to every -d.
void LoadDatasets(std::vector<Source>* sources, bool require_cksum) {
  for (Source& src : *sources) {
    if (!src.zone.zone.empty()) continue;
    auto set = Dataset::Load(src.label, require_cksum);
    if (!set) Fail(kExitTemporary, set.error().message);
    if (set->bad_lines()) {
      ms::WriteAll(2, "mailsuite-rblcheck: " + src.label + ": skipped " +
                          std::to_string(set->bad_lines()) + " invalid line(s), first: " +
                          set->first_bad_line() + "\n");
    }
    src.dataset = std::make_unique<Dataset>(std::move(*set));
  }
}

// Subjects go in a batch at a time: all of a batch's DNS questions leave
// before the first answer is awaited; results are printed in order.
class BatchChecker {
 public:
  explicit BatchChecker(const std::vector<Source>& sources) : sources_(sources) {}

  void Add(std::string text) {
    batch_.push_back(MakeSubject(std::move(text)));
    if (batch_.size() >= kBatch) Flush();
  }

  void Flush() {
    ms::dns::Lookups lookups(LookupTimeoutMs());
    std::vector<std::unique_ptr<ZoneCheck>> checks;
    for (const Subject& s : batch_) {
      for (const Source& src : sources_) {
        checks.push_back(src.dataset ? nullptr : std::make_unique<ZoneCheck>(&lookups, s.prefix, src.zone));
      }
    }
    size_t k = 0;
    for (const Subject& s : batch_) {
      for (const Source& src : sources_) {
        ZoneCheck* check = checks[k++].get();
        int code = check ? ReportDns(s, src, check) : ReportDataset(s, src);
        listed_ |= code == kExitListed;
        temporary_ |= code == kExitTemporary;
      }
    }
    batch_.clear();
  }

  int ExitCode() const { return listed_ ? kExitListed : temporary_ ? kExitTemporary : kExitNotListed; }

 private:
  const std::vector<Source>& sources_;
  std::vector<Subject> batch_;
  bool listed_ = false;
  bool temporary_ = false;
};

// One subject per line ("-"): line ends and empty lines dropped.
void AddLinesOfStdin(BatchChecker* checker) {
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    std::string text(line, static_cast<size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (!text.empty()) checker->Add(std::move(text));
  }
  std::free(line);
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-rblcheck");
  bool require_cksum = false;
  std::vector<Source> sources = ParseSources(argc, argv, &require_cksum);
  if (optind >= argc || sources.empty()) Fail(kExitUsage, kUsage);
  LoadDatasets(&sources, require_cksum);
  BatchChecker checker(sources);
  for (int i = optind; i < argc; ++i) {
    if (std::string_view(argv[i]) == "-") {
      AddLinesOfStdin(&checker);
    } else {
      checker.Add(argv[i]);
    }
  }
  checker.Flush();
  std::fflush(stdout);
  return checker.ExitCode();
}
