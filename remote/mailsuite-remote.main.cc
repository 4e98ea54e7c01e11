// mailsuite-remote host sender recipient...
//
// Delivers the message on fd 0 (a stream, or a queue file's message
// region: lib/message_input.h) over SMTP to host's mail exchangers and
// reports on fd 1 in qmail-remote's format (REPORT.md).  Exit 0 after a
// report; 100 when invoked wrongly, as qmail-remote.  Log lines on fd 2.
#include <csignal>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "become_user.h"
#include "address.h"
#include "utf8_address.h"
#include "remote/dsn_source.h"
#include "remote/config.h"
#include "control.h"
#include "remote/delivery.h"
#include "remote/delivery_plan.h"
#include "remote/dkim_signing.h"
#include "remote/resolver.h"
#include "fd.h"
#include "log.h"
#include "remote/privileges.h"
#include "remote/report.h"
#include "remote/stored_message.h"
#include "version.h"

namespace {

constexpr int kExitUsage = 100;

// Addresses go into SMTP commands verbatim: a CR or LF would inject
// commands of its own.
bool SafeForCommand(std::string_view address) {
  if (address.size() > 1000) return false;
  for (char c : address) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '<' || c == '>') return false;
  }
  return true;
}

int Finish(const ms::remote::Report& report, const char* host) {
  ms::WriteAll(1, report.Format());
  ms::LogLine("delivery").Add("host", host).Add("result", std::string(1, report.MessageLetter()))
      .Add("text", report.message_text()).Emit();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-remote");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  using namespace ms::remote;
  ms::SetLogProgram("mailsuite-remote");
  std::signal(SIGPIPE, SIG_IGN);  // a vanished server is an error result, not a death
  if (argc < 4) {
    ms::LogLine("usage").Add("text", "mailsuite-remote host sender recipient...").Emit();
    ms::WriteAll(1, std::string_view("DSorry, I wasn't invoked correctly. (#5.3.5)\0", 46));
    return kExitUsage;
  }
  const char* host = argv[1];
  std::string sender = argv[2];
  std::vector<std::string> recipients(argv + 3, argv + argc);
  Report report(recipients.size());
  std::vector<std::string> usable;
  std::vector<size_t> usable_index;
  for (size_t i = 0; i < recipients.size(); ++i) usable_index.push_back(i);
  // Failures before the SMTP dialogue apply to every recipient still open.
  auto fail_all = [&](Outcome outcome, const std::string& text) {
    for (size_t i : usable_index) report.SetRecipient(i, outcome, text);
    report.SetMessageText(text);
    return Finish(report, host);
  };

  if (auto dropped = DropRootPrivileges(); !dropped.ok()) {
    return fail_all(Outcome::kTemporary, "mailsuite-remote: " + dropped.error().message + ". (#4.3.0)");
  }
  if (!SafeForCommand(sender)) {
    return fail_all(Outcome::kPermanent, "Sorry, the sender address is not usable in SMTP. (#5.1.7)");
  }
  usable_index.clear();
  for (size_t i = 0; i < recipients.size(); ++i) {
    if (SafeForCommand(recipients[i]) && !recipients[i].empty()) {
      usable.push_back(recipients[i]);
      usable_index.push_back(i);
    } else {
      report.SetRecipient(i, Outcome::kPermanent, "Sorry, this address is not usable in SMTP. (#5.1.3)");
    }
  }
  if (usable.empty()) {
    report.SetMessageText("No usable recipient.");
    return Finish(report, host);
  }

  auto message = StoredMessage::Load(0);
  if (!message.ok()) return fail_all(Outcome::kTemporary, message.error().message + " (#4.3.0)");
  // A non-ASCII address needs SMTPUTF8 whatever the queue says (remote
  // may be run by hand, with the message on a pipe).
  bool utf8_envelope = !ms::IsAscii(sender);
  for (const std::string& r : usable) utf8_envelope |= !ms::IsAscii(r);
  if (utf8_envelope) message->RequireSmtpUtf8();
  auto config = LoadConfig(ms::Control());
  if (!config.ok()) {
    return fail_all(Outcome::kTemporary, "Unable to read control files: " + config.error().message + ". (#4.3.0)");
  }

  // Signed as msremote, the only account that can read the keys.
  SignIfConfigured(ms::Control(), sender, &*message, static_cast<int64_t>(std::time(nullptr)));

  // DSN parameters for a next hop that offers DSN (dsn_source.h).
  DeliveryDsn dsn = ReadDeliveryDsn(0, usable);
  config->delivery.session.mail_dsn = std::move(dsn.mail);
  config->delivery.session.rcpt_dsn = std::move(dsn.rcpt);
  config->delivery.session.tls.require_verified = ms::HostInList(host, config->tls_destinations);
  Resolver resolver(config->delivery.timeout_connect_s * 1000);
  std::random_device seed;
  std::mt19937 rng(seed());
  // An internationalised domain is looked up (smtproutes, MX) by its
  // A-label form; one without a valid A-label form cannot be delivered.
  auto ascii_host = ms::IsAscii(host) ? std::optional<std::string>(host) : ms::DomainToAscii(host);
  if (!ascii_host) {
    return fail_all(Outcome::kPermanent, "Sorry, the domain is not a valid internationalised domain name. (#5.1.2)");
  }
  Plan plan = PlanDelivery(*ascii_host, config->routes, resolver, config->self, rng);
  if (plan.kind != Plan::kTargets) {
    return fail_all(plan.kind == Plan::kPermanent ? Outcome::kPermanent : Outcome::kTemporary, plan.error);
  }

  Report sub(usable.size());
  Deliver(plan.targets, config->delivery, sender, usable, *message, &sub);
  for (size_t k = 0; k < usable.size(); ++k) {
    report.SetRecipient(usable_index[k], sub.recipient(k).outcome, sub.recipient(k).text);
  }
  report.SetMessageText(sub.message_text());
  report.SetMessageAccepted(sub.MessageLetter() == 'K');
  return Finish(report, host);
}
