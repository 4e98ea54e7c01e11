// One message's life picked out of the merged log stream (mailsuite-log
// ID): smtpd's `message` line, then mailsuite-send's `new`, `starting`,
// `delivery` (local or remote), `bounce`, `end` lines.  The links
// (send/LOG.md, smtpd/README.md):
//   - send's lines all carry msg=<queue id>;
//   - send's `new` carries mid=<Message-ID> and qp=<pid of the queue
//     program> (from the Received line mailsuite-queue put first);
//   - smtpd's accepted `message` line carries id="<time> qp <pid>".
// smtpd's line is the first accepted one with that qp logged at or after
// the queue file was created (the queue id's microseconds), within
// kLinkWindowSeconds: exact for an exec'd mailsuite-queue (a fresh pid per
// message); a queue helper serves one session's messages one after
// another, and its next message's file is created only after smtpd logged
// the previous one.
#ifndef MAILSUITE_SERVICE_LOG_TRACE_H_
#define MAILSUITE_SERVICE_LOG_TRACE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "service/log_stream.h"

namespace ms::setup {

inline constexpr int64_t kLinkWindowSeconds = 86400;  // control/timeoutqueue's default
inline constexpr size_t kMaxUnlinkedSmtpdLines = 100000;

// A queue id ("2884133.1763830000123456"): true; anything else is taken
// as a Message-ID ("<a@b>", the brackets optional).
bool IsQueueId(std::string_view text);

class MessageTrace {
 public:
  explicit MessageTrace(std::string_view wanted);

  // Entries in time order; returns those that belong to the message,
  // possibly an earlier smtpd line whose link has just appeared.
  std::vector<LogEntry> Feed(const LogEntry& entry);

 private:
  struct SmtpdLine {
    LogEntry entry;
    std::string qp;
    int64_t nanos;
  };
  std::set<std::string> queue_ids_;
  std::set<std::string> message_ids_;
  std::multimap<std::string, int64_t> wanted_qp_;  // qp -> queue file creation (ns)
  std::deque<SmtpdLine> unlinked_;
};

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_LOG_TRACE_H_
