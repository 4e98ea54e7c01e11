#include "service/log_trace.h"

#include <charconv>

#include "service/log_record.h"

namespace ms::setup {

namespace {

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string NormalMessageId(std::string_view id) {
  if (!id.empty() && id.front() == '<') return std::string(id);
  return "<" + std::string(id) + ">";
}

// The queue file's creation time from its id's microseconds, in ns.
int64_t CreationNanos(std::string_view queue_id) {
  size_t dot = queue_id.find('.');
  int64_t usec = 0;
  std::string_view digits = queue_id.substr(dot + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), usec);
  if (ec != std::errc() || usec > INT64_MAX / 1000) return 0;
  return usec * 1000;
}

// smtpd's id="1763830000 qp 4242" -> "4242".
std::string SmtpdQueuePid(std::string_view id) {
  size_t at = id.find(" qp ");
  if (at == std::string_view::npos) return {};
  std::string_view pid = id.substr(at + 4);
  return AllDigits(pid) ? std::string(pid) : std::string();
}

}  // namespace

bool IsQueueId(std::string_view text) {
  size_t dot = text.find('.');
  return dot != std::string_view::npos && AllDigits(text.substr(0, dot)) && AllDigits(text.substr(dot + 1));
}

MessageTrace::MessageTrace(std::string_view wanted) {
  if (IsQueueId(wanted)) {
    queue_ids_.insert(std::string(wanted));
  } else {
    message_ids_.insert(NormalMessageId(wanted));
  }
}

std::vector<LogEntry> MessageTrace::Feed(const LogEntry& entry) {
  std::vector<LogEntry> out;
  auto record = ParseLogRecord(entry.text);
  if (!record) return out;
  int64_t nanos = StampNanos(entry.stamp).value_or(0);
  if (record->program == "mailsuite-send") {
    std::string msg(record->Get("msg"));
    if (record->event == "new" && !record->Get("mid").empty() &&
        message_ids_.count(NormalMessageId(record->Get("mid"))) && IsQueueId(msg))
      queue_ids_.insert(msg);
    if (msg.empty() || !queue_ids_.count(msg)) return out;
    out.push_back(entry);
    std::string qp(record->Get("qp"));
    if (record->event != "new" || qp.empty()) return out;
    int64_t created = CreationNanos(msg);
    for (auto it = unlinked_.begin(); it != unlinked_.end(); ++it) {
      if (it->qp == qp && it->nanos >= created && it->nanos - created <= kLinkWindowSeconds * 1000000000LL) {
        out.insert(out.begin(), it->entry);
        unlinked_.erase(it);
        return out;
      }
    }
    wanted_qp_.emplace(qp, created);  // smtpd's line is still to come
    return out;
  }
  if (record->program == "smtpd" && record->event == "message" && record->Get("result") == "accepted") {
    std::string qp = SmtpdQueuePid(record->Get("id"));
    if (qp.empty()) return out;
    auto range = wanted_qp_.equal_range(qp);
    for (auto it = range.first; it != range.second; ++it) {
      if (nanos >= it->second && nanos - it->second <= kLinkWindowSeconds * 1000000000LL) {
        wanted_qp_.erase(it);
        out.push_back(entry);
        return out;
      }
    }
    unlinked_.push_back(SmtpdLine{entry, qp, nanos});
    if (unlinked_.size() > kMaxUnlinkedSmtpdLines) unlinked_.pop_front();
  }
  return out;
}

}  // namespace ms::setup
