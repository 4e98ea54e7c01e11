#include "service/stats.h"

#include <ctime>

#include "address.h"
#include "service/log_record.h"

namespace ms::setup {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

}  // namespace

std::string RefusalReason(std::string_view reply) {
  std::string lower = LowerCase(reply);
  if (StartsWith(lower, "552") || Contains(lower, "5.3.4") || Contains(lower, "too big")) return "size";
  if (Contains(lower, "cannot be checked safely")) return "filter";  // the filter's 5.6.0
  if (Contains(lower, "bare lf") || Contains(lower, "bare cr") || Contains(lower, "5.6.0")) return "bare-lf";
  if (Contains(lower, "relay")) return "relay";
  if (Contains(lower, "badmailfrom") || Contains(lower, "sender")) return "badmailfrom";
  if (Contains(lower, "badrcptto")) return "badrcptto";
  if (StartsWith(lower, "452") && Contains(lower, "recipient")) return "maxrcpt";
  if (StartsWith(lower, "501") || StartsWith(lower, "500")) return "syntax";
  if (Contains(lower, "load")) return "load";
  return "filter";
}

Stats::Stats(Period period, std::vector<std::string> zones)
    : period_(period), zones_(std::move(zones)) {}

std::string Stats::PeriodKey(int64_t unix_time) const {
  if (period_ == Period::kAll || unix_time == 0) return "all";
  time_t t = static_cast<time_t>(unix_time);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, period_ == Period::kHour ? "%Y-%m-%d %H:00" : "%Y-%m-%d", &tm);
  return buf;
}

std::string Stats::DnsblReason(std::string_view text) const {
  std::string lower = LowerCase(text);
  for (const auto& zone : zones_) {
    std::string z = LowerCase(zone.substr(0, zone.find(':')));
    if (!z.empty() && Contains(lower, z)) return "dnsbl:" + z;
  }
  return "dnsbl";
}

void Stats::AddLine(std::string_view line) {
  int64_t when = 0;
  std::string_view rest = line;
  if (!rest.empty() && rest.front() == '@') {
    size_t space = rest.find(' ');
    if (space != std::string_view::npos) {
      if (auto t = ParseTai64n(rest.substr(0, space))) when = *t;
      rest.remove_prefix(space + 1);
    }
  }
  // rblsmtpd's reference format: "rblsmtpd: 1.2.3.4 pid 123: 451 text".
  if (StartsWith(rest, "rblsmtpd: ") && Contains(rest, " pid ")) {
    size_t colon = rest.find(": ", 10);
    if (colon != std::string_view::npos)
      ++periods_[PeriodKey(when)].rejected[DnsblReason(rest.substr(colon + 2))];
    return;
  }
  auto record = ParseLogRecord(line);
  if (!record) return;
  PeriodCounts& p = periods_[PeriodKey(record->unix_time)];
  const std::string& prog = record->program;
  const std::string& ev = record->event;
  if (prog == "smtpd" || prog == "mailsuite-smtpd") {
    if (ev == "message") {
      std::string_view result = record->Get("result");
      if (result == "accepted") {
        ChannelCounts& c = p.channels["smtp-in"];
        ++c.messages;
        c.bytes += static_cast<uint64_t>(record->Number("bytes"));
      } else if (result == "refused") {
        ++p.rejected[RefusalReason(record->Get("reason"))];
      }
    } else if (ev == "refused") {
      std::string_view category = record->Get("category");
      ++p.rejected[category.empty() ? RefusalReason(record->Get("reason")) : std::string(category)];
    } else if (ev == "spf") {
      ++p.spf[std::string(record->Get("result"))];
    } else if (ev == "end" && record->Get("reason") == "refusela") {
      ++p.rejected["load"];
    }
    return;
  }
  if (prog == "mailsuite-filter" && ev == "message") {
    if (auto dmarc = record->Get("dmarc"); !dmarc.empty()) ++p.dmarc[std::string(dmarc)];
    std::string_view verdict = record->Get("verdict");
    if (!verdict.empty() && verdict != "accept")
      ++p.filtered[std::string(verdict) + ":" + std::string(record->Get("source"))];
    return;
  }
  if (prog == "mailsuite-remote" && ev == "dkim") {
    std::string_view result = record->Get("result");
    if (!result.empty()) ++p.dkim_signing[std::string(result)];
    return;
  }
  if (prog != "mailsuite-send" && prog != "send") return;
  std::string msg(record->Get("msg"));
  if (ev == "new") {
    message_bytes_[msg] = static_cast<uint64_t>(record->Number("bytes"));
  } else if (ev == "starting") {
    delivery_channel_[std::string(record->Get("delivery"))] = std::string(record->Get("channel"));
  } else if (ev == "delivery") {
    auto ch = delivery_channel_.find(std::string(record->Get("delivery")));
    ChannelCounts& c = p.channels[ch == delivery_channel_.end() ? "unknown" : ch->second];
    std::string_view result = record->Get("result");
    if (result == "success") {
      ++c.messages;
      auto b = message_bytes_.find(msg);
      if (b != message_bytes_.end()) c.bytes += b->second;
    } else if (result == "deferral") {
      ++c.deferrals;
    } else if (result == "failure") {
      ++c.failures;
    }
  } else if (ev == "bounce") {
    ++p.bounces;
  } else if (ev == "doublebounce") {
    ++p.double_bounces;
  } else if (ev == "end") {
    message_bytes_.erase(msg);
  }
}

PeriodCounts Stats::Total() const {
  PeriodCounts total;
  for (const auto& [key, p] : periods_) {
    for (const auto& [name, c] : p.channels) {
      ChannelCounts& t = total.channels[name];
      t.messages += c.messages;
      t.bytes += c.bytes;
      t.deferrals += c.deferrals;
      t.failures += c.failures;
    }
    for (const auto& [reason, n] : p.rejected) total.rejected[reason] += n;
    for (const auto& [what, n] : p.filtered) total.filtered[what] += n;
    for (const auto& [result, n] : p.spf) total.spf[result] += n;
    for (const auto& [result, n] : p.dmarc) total.dmarc[result] += n;
    for (const auto& [what, n] : p.dkim_signing) total.dkim_signing[what] += n;
    total.bounces += p.bounces;
    total.double_bounces += p.double_bounces;
  }
  return total;
}

std::string Stats::Text() const {
  std::string out;
  char buf[256];
  auto period_text = [&](const std::string& key, const PeriodCounts& p) {
    out += "period " + key + "\n";
    std::snprintf(buf, sizeof buf, "  %-10s %10s %14s %10s %10s\n", "channel", "messages", "bytes",
                  "deferrals", "failures");
    out += buf;
    for (const char* name : {"smtp-in", "local", "remote"}) {
      auto it = p.channels.find(name);
      ChannelCounts c = it == p.channels.end() ? ChannelCounts{} : it->second;
      std::snprintf(buf, sizeof buf, "  %-10s %10llu %14llu %10llu %10llu\n", name,
                    static_cast<unsigned long long>(c.messages),
                    static_cast<unsigned long long>(c.bytes),
                    static_cast<unsigned long long>(c.deferrals),
                    static_cast<unsigned long long>(c.failures));
      out += buf;
    }
    out += "  rejected:";
    if (p.rejected.empty()) out += " none";
    for (const auto& [reason, n] : p.rejected) out += " " + reason + "=" + std::to_string(n);
    if (!p.filtered.empty()) {
      out += "\n  filter:";
      for (const auto& [what, n] : p.filtered) out += " " + what + "=" + std::to_string(n);
    }
    if (!p.spf.empty()) {
      out += "\n  spf:";
      for (const auto& [result, n] : p.spf) out += " " + result + "=" + std::to_string(n);
    }
    if (!p.dmarc.empty()) {
      out += "\n  dmarc:";
      for (const auto& [result, n] : p.dmarc) out += " " + result + "=" + std::to_string(n);
    }
    if (!p.dkim_signing.empty()) {
      out += "\n  dkim signing:";
      for (const auto& [what, n] : p.dkim_signing) out += " " + what + "=" + std::to_string(n);
    }
    out += "\n  bounces " + std::to_string(p.bounces) + ", double bounces " +
           std::to_string(p.double_bounces) + "\n";
  };
  for (const auto& [key, p] : periods_) period_text(key, p);
  if (periods_.size() > 1) period_text("total", Total());
  return out;
}

std::string Stats::Prometheus() const {
  PeriodCounts t = Total();
  std::string out;
  auto family = [&out](const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
  };
  auto sample = [&out](const char* name, const std::string& labels, uint64_t v) {
    out += std::string(name) + "{" + labels + "} " + std::to_string(v) + "\n";
  };
  const char* channels[] = {"smtp-in", "local", "remote"};
  family("mailsuite_messages_total", "Messages accepted (smtp-in) or delivered (local, remote).");
  for (const char* c : channels) sample("mailsuite_messages_total", std::string("channel=\"") + c + "\"", t.channels[c].messages);
  family("mailsuite_bytes_total", "Bytes of those messages.");
  for (const char* c : channels) sample("mailsuite_bytes_total", std::string("channel=\"") + c + "\"", t.channels[c].bytes);
  family("mailsuite_deferrals_total", "Delivery attempts deferred.");
  for (const char* c : {"local", "remote"}) sample("mailsuite_deferrals_total", std::string("channel=\"") + c + "\"", t.channels[c].deferrals);
  family("mailsuite_failures_total", "Recipients failed permanently.");
  for (const char* c : {"local", "remote"}) sample("mailsuite_failures_total", std::string("channel=\"") + c + "\"", t.channels[c].failures);
  family("mailsuite_rejected_total", "SMTP rejections by reason.");
  for (const auto& [reason, n] : t.rejected) {
    std::string label;
    for (char ch : reason) label += (ch == '"' || ch == '\\') ? '_' : ch;
    sample("mailsuite_rejected_total", "reason=\"" + label + "\"", n);
  }
  family("mailsuite_filter_total", "mailsuite-filter verdicts other than accept, by verdict:source.");
  for (const auto& [what, n] : t.filtered) {
    std::string label;
    for (char ch : what) label += (ch == '"' || ch == '\\') ? '_' : ch;
    sample("mailsuite_filter_total", "verdict=\"" + label + "\"", n);
  }
  family("mailsuite_dmarc_total", "DMARC results of mailsuite-filter's sender authentication.");
  for (const auto& [result, n] : t.dmarc) {
    std::string label;
    for (char ch : result) label += (ch == '"' || ch == '\\') ? '_' : ch;
    sample("mailsuite_dmarc_total", "result=\"" + label + "\"", n);
  }
  family("mailsuite_spf_total", "SPF results of smtpd's checks at MAIL.");
  for (const auto& [result, n] : t.spf) {
    std::string label;
    for (char ch : result) label += (ch == '"' || ch == '\\') ? '_' : ch;
    sample("mailsuite_spf_total", "result=\"" + label + "\"", n);
  }
  family("mailsuite_dkim_signing_total", "Messages mailsuite-remote sent DKIM-signed or, its key unusable, unsigned.");
  for (const char* r : {"signed", "unsigned"}) sample("mailsuite_dkim_signing_total", std::string("result=\"") + r + "\"", t.dkim_signing[r]);
  family("mailsuite_bounces_total", "Bounces queued.");
  sample("mailsuite_bounces_total", "kind=\"bounce\"", t.bounces);
  sample("mailsuite_bounces_total", "kind=\"double\"", t.double_bounces);
  return out;
}

}  // namespace ms::setup
