// The message to deliver, read from fd 0 through lib/message_input.h.
// A seekable input (plain file or queue file region) is read twice from
// the page cache: once to learn its facts (size, 8-bit), once to send.  A
// pipe cannot be rewound, so it is read into memory once.
#ifndef MAILSUITE_REMOTE_STORED_MESSAGE_H_
#define MAILSUITE_REMOTE_STORED_MESSAGE_H_

#include <functional>
#include <string>
#include <string_view>

#include "remote/message_encoder.h"
#include "message_input.h"
#include "result.h"

namespace ms::remote {

class StoredMessage {
 public:
  static Result<StoredMessage> Load(int fd);
  const MessageFacts& facts() const { return facts_; }
  // Puts header (e.g. a DKIM-Signature field, ending in a line end) before
  // the message: Stream gives it first, facts() count it.
  void Prepend(std::string header);
  // The envelope needs SMTPUTF8 although the queue did not mark it (a
  // non-ASCII address given on the command line).
  void RequireSmtpUtf8() { facts_.smtputf8 = true; }
  // Calls take(chunk) for the message from its start, in order; stops
  // early when take returns false.  Error: reading the input failed.
  Status Stream(const std::function<bool(std::string_view)>& take);

 private:
  StoredMessage() = default;
  MessageInput input_;
  bool in_memory_ = false;
  std::string memory_;
  std::string prefix_;
  MessageFacts facts_;
};

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_STORED_MESSAGE_H_
