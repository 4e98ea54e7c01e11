// mailsuite-spf: the SPF result for a client address, sender and HELO
// name, as mailsuite-smtpd would get it (the seed's spfquery for
// operators).  Prints "result=RESULT", the explanation of a fail when
// the domain publishes one, and the Received-SPF field smtpd would add.
//
//   mailsuite-spf [-r receiver] IP SENDER [HELO]
//
// SENDER "" (or "<>") checks the HELO identity, postmaster@HELO.  DNS:
// $DNSCACHEIP, else /etc/resolv.conf; 5 s per query, 20 s in all (as
// smtpd).  Exit codes (documented in man/mailsuite-spf.8):
//   0 pass, 1 fail, 2 softfail, 3 neutral, 4 none, 5 permerror,
//   6 temperror, 100 usage.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "control.h"
#include "fd.h"
#include "received_spf.h"
#include "spf.h"
#include "spf_dns.h"
#include "version.h"

namespace {

constexpr int kExitUsage = 100;
constexpr int64_t kQueryTimeoutMs = 5000;
constexpr int64_t kTotalMs = 20000;

int ExitCode(ms::spf::Result r) {
  switch (r) {
    case ms::spf::Result::kPass: return 0;
    case ms::spf::Result::kFail: return 1;
    case ms::spf::Result::kSoftFail: return 2;
    case ms::spf::Result::kNeutral: return 3;
    case ms::spf::Result::kNone: return 4;
    case ms::spf::Result::kPermError: return 5;
    case ms::spf::Result::kTempError: return 6;
  }
  return 6;
}

[[noreturn]] void Usage() {
  ms::WriteAll(2, "usage: mailsuite-spf [-r receiver] IP SENDER [HELO]\n");
  _exit(kExitUsage);
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-spf");
  std::string receiver;
  int opt;
  while ((opt = getopt(argc, argv, "r:")) != -1) {
    if (opt == 'r') receiver = optarg;
    else Usage();
  }
  int rest = argc - optind;
  if (rest < 2 || rest > 3) Usage();
  auto ip = ms::IpAddress::Parse(argv[optind]);
  if (!ip) {
    ms::WriteAll(2, std::string("mailsuite-spf: not an IP address: ") + argv[optind] + "\n");
    return kExitUsage;
  }
  ms::spf::Request request;
  request.ip = *ip;
  request.sender = argv[optind + 1];
  if (request.sender == "<>") request.sender.clear();
  if (request.sender.size() >= 2 && request.sender.front() == '<' && request.sender.back() == '>')
    request.sender = request.sender.substr(1, request.sender.size() - 2);
  if (rest == 3) request.helo = argv[optind + 2];
  if (request.sender.empty() && request.helo.empty()) {
    ms::WriteAll(2, "mailsuite-spf: the null sender needs a HELO name\n");
    return kExitUsage;
  }
  if (receiver.empty()) {
    auto me = ms::Control().Me();
    receiver = me ? *me : std::string("unknown");
  }
  request.receiver = receiver;
  request.now = ::time(nullptr);
  ms::spf::DnsResolver resolver(kQueryTimeoutMs, ms::Deadline::AfterMs(kTotalMs));
  ms::spf::Outcome outcome = ms::spf::Check(request, resolver);
  std::string out = "result=" + std::string(ms::spf::ResultName(outcome.result)) + "\n";
  if (!outcome.explanation.empty()) out += "explanation=" + outcome.explanation + "\n";
  out += ms::spf::ReceivedSpfField(outcome, request);
  ms::WriteAll(1, out);
  return ExitCode(outcome.result);
}
