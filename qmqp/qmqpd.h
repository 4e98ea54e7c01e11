// mailsuite-qmqpd's session: one QMQP request read from fd 0 (the
// tcpserver socket), the message streamed to the queue program through
// lib/queue_client, one reply written to fd 1 (QMQP.md).
#ifndef MAILSUITE_QMQP_QMQPD_H_
#define MAILSUITE_QMQP_QMQPD_H_

#include <string>

#include "control.h"
#include "qmqp/qmqp_request.h"
#include "queue_helper_client.h"
#include "result.h"

namespace ms::qmqp {

// The spec's bound on a whole session: "at most 1 hour".
inline constexpr long kSessionSeconds = 3600;

struct QmqpdConfig {
  RequestLimits limits;
  long timeout_seconds = 1200;  // control/timeoutsmtpd: each read, each queue write
  std::string me;
  std::string queue_program;    // $QMAILQUEUE or mailsuite-queue
  bool queue_program_is_filter = false;  // $QMAILQUEUE set: never the helper
};

Result<QmqpdConfig> LoadQmqpdConfig(const Control& control);

// Serves one request; the exit code for main (0 whatever the client got,
// 111 when no reply could be written).  helper (or null): a queue helper
// the message goes to instead of an exec'd mailsuite-queue, used only when
// config.queue_program is mailsuite-queue ($QMAILQUEUE unset) and the
// helper is still there when the message starts (QMQP.md).
int ServeQmqp(int in_fd, int out_fd, const QmqpdConfig& config, QueueHelperClient* helper = nullptr);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_QMQPD_H_
