// mailsuite-check [--root DIR] [--smtp HOST:PORT]
// Is each service up, does SMTP answer 220, is the queue filesystem below
// its space limit, is the load under refusela, how old is the oldest
// queued message, how many the filter holds in quarantine, can msremote
// read each control/dkimkeys key and does its DNS record match
// (service/dkim_check.h).  Prints the version, then one line per check;
// exit 0 all ok, 1 trouble, 2 usage.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "service/dkim_check.h"
#include "service/health.h"
#include "version.h"
#include "text.h"

namespace {

int Usage() {
  std::fputs("usage: mailsuite-check [--root DIR] [--smtp HOST:PORT]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-check");
  ms::setup::HealthOptions options;
  std::string root;
  std::string smtp;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else if (arg == "--smtp" && i + 1 < argc) {
      smtp = argv[++i];
    } else {
      return Usage();
    }
  }
  if (root.empty()) {
    options.service_dir = "/etc/mailsuite/service";
    options.control_dir = "/etc/mailsuite/control";
    options.queue_dir = "/var/spool/mailsuite";
    options.quarantine_dir = "/var/spool/mailsuite-quarantine";
  } else {
    options.service_dir = root + "/service";
    options.control_dir = root + "/control";
    options.queue_dir = root + "/queue";
    options.quarantine_dir = root + "/queue/quarantine";
    options.smtp_port = 2525;
  }
  if (!smtp.empty()) {
    size_t colon = smtp.rfind(':');
    if (colon == std::string::npos) return Usage();
    options.smtp_host = smtp.substr(0, colon);
    auto port = ms::ParseDecimal(std::string_view(smtp).substr(colon + 1), 65535);
    if (!port || *port == 0) return Usage();
    options.smtp_port = static_cast<int>(*port);
  }
  std::vector<ms::setup::Verdict> verdicts = ms::setup::CheckServices(options);
  verdicts.push_back(ms::setup::CheckSmtpGreeting(options));
  verdicts.push_back(ms::setup::CheckQueueSpace(options));
  verdicts.push_back(ms::setup::CheckLoad(options));
  verdicts.push_back(ms::setup::CheckQueueAge(options));
  verdicts.push_back(ms::setup::CheckQuarantine(options));
  for (auto& v : ms::setup::CheckDkimKeys(options)) verdicts.push_back(std::move(v));
  // First, which mailsuite this is (the programs' -V says the same).
  std::printf("mailsuite %s\n", ms::Version());
  bool all_ok = true;
  for (const auto& v : verdicts) {
    std::printf("%-4s %s: %s\n", v.ok ? "ok" : "FAIL", v.what.c_str(), v.detail.c_str());
    all_ok = all_ok && v.ok;
  }
  return all_ok ? 0 : 1;
}
