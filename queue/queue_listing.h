// Reading the queue for mailsuite-qread: each message in mess/ with its
// header, envelope and the state of every recipient (queue/FORMAT.md).
// Read-only; a message that vanishes while being read (send finished it)
// is simply left out.
#ifndef MAILSUITE_QUEUE_QUEUE_LISTING_H_
#define MAILSUITE_QUEUE_QUEUE_LISTING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace ms::queue {

enum class RecipientState { kPending, kDelivered, kDeferred, kBounced };

struct ListedRecipient {
  ListedRecipient() = default;
  ListedRecipient(std::string rcpt, RecipientState st, std::string why, std::string params = {})
      : address(std::move(rcpt)), state(st), reason(std::move(why)), dsn(std::move(params)) {}
  std::string address;
  RecipientState state = RecipientState::kPending;
  std::string reason;  // the last one, for deferred and bounced
  std::string dsn;     // "NOTIFY=... ORCPT=..." (RFC 3461), or empty
};

struct ListedMessage {
  std::string id;
  uint64_t size = 0;           // the message itself, without header and envelope
  int64_t queued_time = 0;
  std::string sender;
  std::string dsn;             // "RET=... ENVID=..." (RFC 3461), or empty
  std::vector<ListedRecipient> recipients;
  std::string problem;         // non-empty: the file could not be understood
};

// Lists mess/ of the queue at root, oldest first.  Fails only when mess/
// itself cannot be read (e.g. no permission).
Result<std::vector<ListedMessage>> ListQueue(const std::string& root);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QUEUE_LISTING_H_
