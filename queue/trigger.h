// Wakes mailsuite-send through the queue's named pipe (queue/FORMAT.md,
// "Writing" step 6): "ID\n", best effort.  Opened O_NONBLOCK so it never
// blocks: ENXIO (send not running) and EAGAIN (pipe full, send busy) are
// fine because send's periodic scan finds every message anyway.  The
// caller must ignore SIGPIPE (send may close its end at any moment).
#ifndef MAILSUITE_QUEUE_TRIGGER_H_
#define MAILSUITE_QUEUE_TRIGGER_H_

#include <string>
#include <string_view>

namespace ms::queue {

void PokeTrigger(const std::string& trigger_path, std::string_view id);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_TRIGGER_H_
