// What ties a queued message to the lines other programs logged about it
// (send/LOG.md, `new`; mailsuite-log follows a message's life with them):
//   qp   the pid in the Received line mailsuite-queue put first
//        ("Received: (mailsuite-queue 4242 invoked by uid 1000); ..."),
//        the same pid smtpd logs and answers as "qp 4242";
//   mid  the Message-ID header's value, unfolded, at most kMaxMessageId
//        octets (the message's author wrote it: log escaping makes it safe).
// Either is empty when the message has none.
#ifndef MAILSUITE_SEND_TRACE_IDS_H_
#define MAILSUITE_SEND_TRACE_IDS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ms::send {

inline constexpr size_t kTraceHeadBytes = 32768;  // how much of the message is read
inline constexpr size_t kMaxMessageId = 300;

struct TraceIds {
  std::string queue_pid;
  std::string message_id;
};

// head: the first octets of the message region (up to kTraceHeadBytes);
// a header cut off at its end is read as far as it goes.
TraceIds FindTraceIds(std::string_view head);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_TRACE_IDS_H_
