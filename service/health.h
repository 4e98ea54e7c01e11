// mailsuite-check's checklist — the seed's "is sendmail working?" list as
// one command: each check gives a verdict line; any failure makes the
// command exit 1.
#ifndef MAILSUITE_SERVICE_HEALTH_H_
#define MAILSUITE_SERVICE_HEALTH_H_

#include <string>
#include <vector>

namespace ms::setup {

struct Verdict {
  bool ok = true;
  std::string what;    // "service smtpd", "smtp 127.0.0.1:25", ...
  std::string detail;  // human-readable figures
};

struct HealthOptions {
  std::string service_dir;
  std::string control_dir;
  std::string queue_dir;
  std::string quarantine_dir;
  std::string smtp_host = "127.0.0.1";
  int smtp_port = 25;
  int timeout_seconds = 5;
};

// svstat each service and its log; up for at least one second = ok.
std::vector<Verdict> CheckServices(const HealthOptions& options);
// Connects to the SMTP port and expects a 220 greeting in time.
Verdict CheckSmtpGreeting(const HealthOptions& options);
// Free space and inodes of the queue filesystem against smtpd's limit,
// control/queueminfree (bytes, default 16 MiB) and 100 inodes.
Verdict CheckQueueSpace(const HealthOptions& options);
// One-minute load against control/refusela (no limit: always ok).
Verdict CheckLoad(const HealthOptions& options);
// Age of the oldest message in the queue against control/queuewarnage
// (seconds, default 86400); also counts the messages.
Verdict CheckQueueAge(const HealthOptions& options);

// Messages in the filter's quarantine against control/quarantinewarn
// (default 100): more fails, so someone looks at them.  No directory: ok
// (no filter quarantines here).
Verdict CheckQuarantine(const HealthOptions& options);

// Parses one line of svstat output ("dir: up (pid 12) 34 seconds").
Verdict ParseSvstatLine(const std::string& line);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_HEALTH_H_
