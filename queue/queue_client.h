// Hands a message to a qmail-queue program ($QMAILQUEUE or
// mailsuite-queue): the message is streamed to its fd 0, then the
// envelope written to its fd 1, then its exit code collected.
#ifndef MAILSUITE_QUEUE_QUEUE_CLIENT_H_
#define MAILSUITE_QUEUE_QUEUE_CLIENT_H_

#include <string>
#include <string_view>

#include "child.h"
#include "fd.h"
#include "result.h"

namespace ms::queue {

class QueueClient {
 public:
  // Starts program; the caller must ignore SIGPIPE.
  Status Start(const std::string& program);
  // false once the queue program stopped reading (it failed: Finish or
  // Abort tells why).
  bool Write(std::string_view data);
  // Ends the message, sends the envelope, returns the queue's exit status.
  ExitStatus Finish(std::string_view envelope);
  // What a filter wrote to fd 6 before exiting 82 (notqmail's custom
  // reply: "D" permanent or "Z" temporary, then the text); read after
  // Finish.  Bounded to 1000 octets.
  std::string FilterReply();
  // Gives up: the queue sees no envelope, exits 54 and keeps nothing.
  ExitStatus Abort();

 private:
  Child child_;
  UniqueFd message_;
  UniqueFd envelope_;
  UniqueFd reply_;
};

// qmail-queue's meaning of an exit code, e.g. "write error (disk full?)".
std::string QueueExitText(int code);
// The filter exit that comes with a reply on fd 6.
inline constexpr int kFilterReplyExit = 82;
// 11-40: the queue refused for good; anything else is worth retrying.
inline bool IsPermanentQueueExit(int code) { return code >= 11 && code <= 40; }

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_QUEUE_CLIENT_H_
