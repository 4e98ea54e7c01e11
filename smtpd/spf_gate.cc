#include "smtpd/spf_gate.h"

#include <ctime>

#include "ip_address.h"
#include "log.h"
#include "received_spf.h"
#include "spf_dns.h"
#include "smtpd/config.h"

namespace ms::smtpd {

namespace {

// RFC 7208 4.6.4 asks for at least 20 s for the whole evaluation; one
// query waits at most 5 s (a dead server is given up on sooner).
constexpr int64_t kQueryTimeoutMs = 5000;
constexpr int64_t kEvaluationMs = 20000;

bool IsPostmaster(std::string_view recipient) {
  std::string_view local = recipient.substr(0, recipient.rfind('@'));
  if (local.size() != 10) return false;
  for (size_t i = 0; i < 10; ++i)
    if ((local[i] | 0x20) != "postmaster"[i]) return false;
  return true;
}

}  // namespace

Result<long> LoadSpfBehavior(const Control& control, const std::optional<std::string>& env_value) {
  if (env_value) {
    std::string_view v = *env_value;
    if (v.size() == 1 && v[0] >= '0' && v[0] <= '6') return static_cast<long>(v[0] - '0');
    return Error{"SPFBEHAVIOR must be a number from 0 to 6"};
  }
  return control.Number("spfbehavior", 0, 0, 6);
}

std::string SpfRefusal(long behavior, spf::Result result, std::string_view explanation) {
  using spf::Result;
  switch (result) {
    case Result::kPass: return "";
    case Result::kTempError:
      return behavior >= 2 ? "451 4.7.24 SPF temperror: DNS lookup failed for the sender's SPF record, try again later"
                           : "";
    case Result::kFail:
      if (behavior < 3) return "";
      return "550 5.7.23 SPF fail: " +
             (explanation.empty() ? std::string("the sender's domain does not allow mail from this host")
                                  : std::string(explanation));
    case Result::kSoftFail:
      return behavior >= 4 ? "550 5.7.23 SPF softfail: the sender's domain does not allow mail from this host" : "";
    case Result::kNeutral:
      return behavior >= 5 ? "550 5.7.23 SPF neutral: the sender's domain neither allows nor denies this host" : "";
    case Result::kNone:
      return behavior >= 6 ? "550 5.7.23 SPF none: the sender's domain publishes no SPF record" : "";
    case Result::kPermError:
      return behavior >= 6 ? "550 5.7.24 SPF permerror: the sender's SPF record is invalid" : "";
  }
  return "";
}

void SpfGate::AtMail(const std::string& sender, const std::string& helo, bool authenticated) {
  Reset();
  if (config_.spf_behavior <= 0 || authenticated || config_.relay.relayclient) return;
  auto ip = IpAddress::Parse(config_.remote_ip);
  if (!ip) return;
  spf::Request request;
  request.ip = *ip;
  request.sender = sender;
  request.helo = helo;
  request.receiver = config_.me;
  request.now = ::time(nullptr);
  spf::DnsResolver resolver(kQueryTimeoutMs, Deadline::AfterMs(kEvaluationMs));
  spf::Outcome outcome = spf::Check(request, resolver);
  checked_ = true;
  result_ = outcome.result;
  explanation_ = outcome.explanation;
  header_ = spf::ReceivedSpfField(outcome, request);
  LogLine line("spf");
  line.Add("ip", config_.remote_ip)
      .Add("identity", outcome.identity)
      .Add("from", sender)
      .Add("helo", helo.substr(0, 200))
      .Add("result", spf::ResultName(outcome.result));
  if (!outcome.mechanism.empty()) line.Add("mechanism", outcome.mechanism.substr(0, 200));
  if (!outcome.problem.empty()) line.Add("problem", outcome.problem.substr(0, 200));
  line.Emit(log_fd_);
}

std::string SpfGate::RefusalFor(std::string_view recipient) const {
  if (!checked_ || IsPostmaster(recipient)) return "";
  return SpfRefusal(config_.spf_behavior, result_, explanation_);
}

void SpfGate::Reset() {
  checked_ = false;
  result_ = spf::Result::kNone;
  explanation_.clear();
  header_.clear();
}

}  // namespace ms::smtpd
