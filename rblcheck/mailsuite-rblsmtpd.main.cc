// mailsuite-rblsmtpd: ucspi-tcp's rblsmtpd with parallel zone lookups,
// IPv6 clients and A-record range zones.  See rblcheck/README.md.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "become_user.h"
#include "fd.h"
#include "dns_lookup.h"
#include "rblcheck/dnsbl_name.h"
#include "rblcheck/rbl_policy.h"
#include "rblcheck/smtp_dialogue.h"
#include "rblcheck/zone_check.h"
#include "version.h"

namespace {

using namespace ms::rbl;

[[noreturn]] void Die(int code, const std::string& message) {
  ms::WriteAll(2, "rblsmtpd: " + message + "\n");
  _exit(code);
}

// Starts every zone's lookups together, then judges them in option order,
// stopping at the first that decides.
void DecideByZones(const char* remote_ip, const std::vector<ZoneOption>& zones, Verdict* verdict) {
  ms::dns::Lookups lookups(LookupTimeoutMs());
  std::string prefix = ReversedPrefix(remote_ip);
  std::vector<std::unique_ptr<ZoneCheck>> checks;
  checks.reserve(zones.size());
  for (const ZoneOption& zone : zones) {
    checks.push_back(std::make_unique<ZoneCheck>(&lookups, prefix, zone));
  }
  ms::Deadline no_extra_limit = ms::Deadline::Never();  // each lookup has its own bound
  for (size_t i = 0; i < zones.size() && verdict->decision == Decision::kUndecided; ++i) {
    ApplyZone(zones[i], checks[i]->Outcome(no_extra_limit), verdict);
  }
}

void Block(const char* remote_ip, const Verdict& verdict, unsigned long timeout) {
  std::string reply = ReplyLine(verdict);
  ms::WriteAll(2, std::string("rblsmtpd: ") + remote_ip + " pid " + std::to_string(getpid()) +
                      ": " + reply + "\n");
  RunDialogue(0, 1, reply, timeout);
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-rblsmtpd");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  const char* remote_ip = std::getenv("TCPREMOTEIP");
  if (!remote_ip) remote_ip = "";
  Verdict verdict = VerdictFromEnvironment(std::getenv("RBLSMTPD"));
  auto options = ParseOptions(argc, argv);
  if (!options) Die(100, options.error().message);
  if (verdict.decision == Decision::kUndecided && !options->zones.empty()) {
    DecideByZones(remote_ip, options->zones, &verdict);
  }
  if (verdict.decision == Decision::kReject || verdict.decision == Decision::kBounce) {
    Block(remote_ip, verdict, options->timeout);
    _exit(0);
  }
  char** prog = argv + options->prog_index;
  execvp(prog[0], prog);
  const char* why = errno == ENOENT ? "file does not exist" : std::strerror(errno);
  Die(111, std::string("fatal: unable to run ") + prog[0] + ": " + why);
}
