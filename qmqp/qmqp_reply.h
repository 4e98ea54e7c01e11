// The QMQP reply (QMQP.md): one netstring whose first octet is K (the
// message is accepted), Z (temporary failure) or D (permanent failure),
// followed by a human-readable text.  mailsuite-qmqpd writes its texts in
// qmail's form, "text (#5.3.4)", with the RFC 3463 code at the end.
#ifndef MAILSUITE_QMQP_QMQP_REPLY_H_
#define MAILSUITE_QMQP_QMQP_REPLY_H_

#include <string>
#include <string_view>

#include "queue_client.h"

namespace ms::qmqp {

// The longest reply a client reads; more is a broken server.
inline constexpr size_t kMaxReply = 4096;

// The netstring to send for a queue verdict: K "ok TIME qp PID", or
// D/Z "text (#code)".
std::string ReplyForVerdict(const QueueVerdict& verdict, pid_t queue_pid, time_t now);
// The netstring of a reply letter and text.
std::string EncodeReply(char letter, std::string_view text);

struct Reply {
  char letter = 0;   // 'K', 'Z' or 'D'
  std::string text;  // made printable (anything else becomes '?')
};

enum class ReplyParse { kNeedMore, kDone, kMalformed };
// The reply at the start of in (what has arrived so far).
ReplyParse ParseReply(std::string_view in, Reply* reply);

// A reply text as a queue program's fd 6 line wants it (lib/QUEUE_CLIENT.md):
// "text (#5.3.4)" becomes "5.3.4 text"; a text without a code of the
// reply's class stays as it is (the reader then uses its default code).
std::string Fd6Text(const Reply& reply);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_QMQP_REPLY_H_
