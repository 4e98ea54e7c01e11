// mailsuite-stats: the seed's `mailstats` for this suite.  Folds log lines
// (multilog files or stdin) into counts per period and channel:
//   channels  smtp-in (smtpd accepted), local and remote (send deliveries)
//   rejected  by reason: relay, dnsbl:<zone>, size, badmailfrom,
//             badrcptto, maxrcpt, syntax, bare-lf, filter, load, other
//   deferrals per channel, bounces, double bounces, failures
//   spf       smtpd's SPF results (its `spf` lines: pass, fail, softfail,
//             neutral, none, temperror, permerror)
//   filter    mailsuite-filter's verdicts other than accept, as
//             VERDICT:SOURCE (reject:rule:3, reject:virus, reject:spam,
//             quarantine:virus, discard:rule:2, tag:rule:5, ...)
//   dkim      mailsuite-remote's DKIM signing: signed, unsigned (a key
//             that could not be used; remote/dkim_signing.h)
// Inputs: smtpd `message`/`refused` lines, rblsmtpd's reference-format
// block lines, send's lines (send/LOG.md), mailsuite-filter's `message`
// lines (filter/README.md "Log"; they are in smtpd's log).
#ifndef MAILSUITE_SERVICE_STATS_H_
#define MAILSUITE_SERVICE_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ms::setup {

struct ChannelCounts {
  uint64_t messages = 0;
  uint64_t bytes = 0;
  uint64_t deferrals = 0;
  uint64_t failures = 0;
};

struct PeriodCounts {
  std::map<std::string, ChannelCounts> channels;   // smtp-in, local, remote
  std::map<std::string, uint64_t> rejected;        // reason -> count
  std::map<std::string, uint64_t> filtered;        // verdict:source -> count
  std::map<std::string, uint64_t> spf;             // smtpd's SPF result -> count
  std::map<std::string, uint64_t> dmarc;           // the filter's DMARC result -> count
  std::map<std::string, uint64_t> dkim_signing;    // signed / unsigned -> count
  uint64_t bounces = 0;
  uint64_t double_bounces = 0;
};

enum class Period { kHour, kDay, kAll };

class Stats {
 public:
  // zones: DNSBL zone names, to tell which zone a rblsmtpd block came from
  // (its reference-format line carries only the reply text).
  Stats(Period period, std::vector<std::string> zones);
  void AddLine(std::string_view line);
  const std::map<std::string, PeriodCounts>& periods() const { return periods_; }
  PeriodCounts Total() const;
  std::string Text() const;
  std::string Prometheus() const;

 private:
  std::string PeriodKey(int64_t unix_time) const;
  std::string DnsblReason(std::string_view text) const;

  Period period_;
  std::vector<std::string> zones_;
  std::map<std::string, PeriodCounts> periods_;
  // send's delivery lines name neither channel nor size: remember them
  // from the `new` and `starting` lines.
  std::map<std::string, uint64_t> message_bytes_;
  std::map<std::string, std::string> delivery_channel_;
};

// Classifies an SMTP reply text refusing a message or recipient.
std::string RefusalReason(std::string_view reply);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_STATS_H_
