#include "qmqp/qmqpd_main.h"

#include <csignal>

#include "control.h"
#include "fd.h"
#include "log.h"
#include "qmqp/qmqpd.h"
#include "queue_helper_client.h"
#include "signals.h"

namespace ms::qmqp {

int RunQmqpd(int helper_socket) {
  SetLogProgram("mailsuite-qmqpd");
  IgnoreSignal(SIGPIPE);  // lib/queue_client: a queue program that stops reading
  UniqueFd pooled(helper_socket);
  auto config = LoadQmqpdConfig(Control());
  if (!config) {
    // No reply: a close is a temporary failure for the client.
    LogLine("fatal").Add("reason", config.error().message).Emit();
    return 111;
  }
  // A content filter ($QMAILQUEUE, maybe set by the -x rules) is exec'd
  // per message: the leased helper goes back to the pool unused.
  QueueHelperClient helper;
  bool have_helper = !config->queue_program_is_filter && pooled.valid() && helper.Adopt(std::move(pooled));
  pooled.reset();
  return ServeQmqp(0, 1, *config, have_helper ? &helper : nullptr);
}

}  // namespace ms::qmqp
