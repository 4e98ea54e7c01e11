// SPF in mailsuite-smtpd (DESIGN.md "SPF in mailsuite-smtpd"): the
// qmail-spf levels of control/spfbehavior, overridden by $SPFBEHAVIOR
// (e.g. from tcprules):
//   0 off                      4 3, and refuse softfail
//   1 Received-SPF only        5 4, and refuse neutral
//   2 1, and 451 on temperror  6 refuse all but pass (permerror 550)
//   3 2, and refuse fail (550 5.7.23, with the domain's exp= text)
// The check runs at MAIL (its one log line: `spf ip= identity= from=
// helo= result=`, counted by mailsuite-stats); the verdict is given at
// each RCPT, so that postmaster (bare, or at a domain we accept) is
// still reachable.  RELAYCLIENT and authenticated clients are never
// checked and get no Received-SPF.  State is per transaction: Reset()
// at RSET, HELO, STARTTLS and after each message.
#ifndef MAILSUITE_SMTPD_SPF_GATE_H_
#define MAILSUITE_SMTPD_SPF_GATE_H_

#include <optional>
#include <string>
#include <string_view>

#include "control.h"
#include "result.h"
#include "spf.h"

namespace ms::smtpd {

struct Config;

// spfbehavior: $SPFBEHAVIOR when set (a digit 0-6), else control/spfbehavior (default 0).
Result<long> LoadSpfBehavior(const Control& control, const std::optional<std::string>& env_value);

// The SMTP reply refusing a recipient for this result at this level, or
// "" when the level lets it through.  explanation: the exp= text of a fail.
std::string SpfRefusal(long behavior, spf::Result result, std::string_view explanation);

class SpfGate {
 public:
  SpfGate(const Config& config, int log_fd) : config_(config), log_fd_(log_fd) {}

  // At an accepted MAIL: evaluates SPF unless the level is 0 or the
  // client is exempt.  sender "" for <>.
  void AtMail(const std::string& sender, const std::string& helo, bool authenticated);
  // At an accepted RCPT (address as smtpd keeps it): the refusal, or "".
  std::string RefusalFor(std::string_view recipient) const;
  // The Received-SPF field for the message, or "".
  const std::string& Header() const { return header_; }
  void Reset();

 private:
  const Config& config_;
  int log_fd_;
  bool checked_ = false;
  spf::Result result_ = spf::Result::kNone;
  std::string explanation_;
  std::string header_;
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_SPF_GATE_H_
