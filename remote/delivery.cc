#include "remote/delivery.h"

#include "log.h"
#include "byte_stream.h"
#include "remote/tcp_connect.h"

namespace ms::remote {

namespace {

// Enough to explain a handful of failed MX hosts in a bounce or in qread.
constexpr size_t kMaxFailureText = 1000;

void LogAttempt(const Target& t, std::string_view result, std::string_view text,
                std::string_view tls = "none") {
  LogLine("attempt").Add("host", t.host).Add("ip", t.ip.ToString()).Add("port", static_cast<int>(t.port))
      .Add("result", result).Add("tls", tls).Add("text", text).Emit();
}

}  // namespace

void Deliver(const std::vector<Target>& targets, const DeliveryConfig& config, const std::string& sender,
             const std::vector<std::string>& recipients, StoredMessage& message, Report* report) {
  bool any_temporary = targets.empty();
  std::string failures;
  auto note = [&](std::string_view text) {
    if (failures.size() >= kMaxFailureText) return;
    if (!failures.empty()) failures += "; ";
    failures.append(text.substr(0, kMaxFailureText));
  };
  for (const Target& target : targets) {
    std::string peer = HostAndIp(target.host, target.ip.ToString());
    auto fd = ConnectTcp(target.ip, target.port, Deadline::AfterSeconds(config.timeout_connect_s));
    if (!fd.ok()) {
      std::string text = "Unable to connect to " + peer + ": " + fd.error().message + ".";
      LogAttempt(target, "unreachable", text);
      note(text);
      any_temporary = true;
      continue;
    }
    UniqueFd socket = std::move(*fd);
    FdStream transport(socket.get(), socket.get());
    SmtpSession session(transport, peer, config.session);
    // An address literal route ("[192.0.2.1]") is checked as that address.
    std::string_view name = target.host;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
    session.set_tls_peer(socket.get(), std::string(name));
    AttemptResult result = session.Run(sender, recipients, message, report);
    if (result.kind == AttemptResult::kDone) {
      LogAttempt(target, std::string(1, report->MessageLetter()), report->message_text(), session.tls_result());
      return;
    }
    LogAttempt(target, result.permanent ? "refused" : "deferred", result.reason, session.tls_result());
    note(result.reason);
    any_temporary |= !result.permanent;
  }
  std::string text = failures.empty() ? "No host to deliver to." : failures;
  report->SetAll(any_temporary ? Outcome::kTemporary : Outcome::kPermanent, text);
  report->SetMessageText(text);
}

}  // namespace ms::remote
