// Hands a message to mailsuite-queue (the qmail-queue interface: message
// on fd 0, envelope on fd 1) and waits for its verdict.
#ifndef MAILSUITE_SEND_BOUNCE_QUEUE_H_
#define MAILSUITE_SEND_BOUNCE_QUEUE_H_

#include <string>
#include <string_view>

#include "envelope.h"
#include "result.h"

namespace ms::send {

// Error.code is mailsuite-queue's exit code (or -1 if it did not run).
Status InjectMessage(const std::string& program, std::string_view message,
                     const Envelope& envelope);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_BOUNCE_QUEUE_H_
