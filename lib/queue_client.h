// The one qmail-queue client: every program that hands a message to the
// queue (smtpd, inject, local's forwards, send's bounces) does it here.
// The protocol, the deadline and the exit-code table are written down in
// lib/QUEUE_CLIENT.md.
#ifndef MAILSUITE_LIB_QUEUE_CLIENT_H_
#define MAILSUITE_LIB_QUEUE_CLIENT_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "child.h"
#include "deadline.h"
#include "fd.h"
#include "result.h"

namespace ms {

// What one qmail-queue exit code means: the table of lib/QUEUE_CLIENT.md.
struct QueueExitMeaning {
  bool permanent;        // refused for good (11-40); otherwise worth retrying
  const char* enhanced;  // RFC 3463 status code, e.g. "4.3.1"
  std::string text;      // e.g. "queue write error or disk full"
};
QueueExitMeaning MeaningOfQueueExit(int code);

// The exit with which a filter says "my reply text is on fd 6" (notqmail).
inline constexpr int kFilterReplyExit = 82;

// The queue's answer about one message.
struct QueueVerdict {
  bool queued = false;
  bool permanent = false;  // when not queued: refused for good
  std::string enhanced;    // when not queued: RFC 3463 code, "4.3.0"
  std::string text;        // when not queued: why, without the code
  bool from_filter = false;   // a filter's own verdict (exit 82 with D/Z)
  std::string filter_line;    // then its first line as written, made printable
  bool write_failed = false;  // the message or envelope did not all go out
  bool timed_out = false;     // the program was killed at the deadline
  ExitStatus status;          // how the program ended
  // "text (#4.3.0)", qmail's form, for logs and delivery reports.
  std::string Reason() const;
};

// For a queue program (a filter, mailsuite-qmqpc), first thing in main,
// before anything is opened: whether its caller gave it fd 6 (the reply
// pipe).  If not, the number is held with a close-on-exec /dev/null so
// that no file of ours lands on fd 6 and is taken for that pipe (or
// reaches the next program as its fd 6).
bool HoldFilterReplyFd();

// How the program ended, plus what the client saw, as a verdict.  A failed
// write or a timeout wins over exit 0: a 0 then proves nothing.
// filter_reply is what the program wrote to fd 6 (used only for exit 82).
QueueVerdict MakeQueueVerdict(const ExitStatus& status, bool write_failed, bool timed_out,
                              std::string_view filter_reply);

// What a filter that has exited wrote to its fd 6 (the read end of that
// pipe, non-blocking): only a grandchild could still hold the write end,
// so it reads what is there, at most the 1000 octets qmail-smtpd reads.
std::string ReadFilterReply(int fd);

// How long a program with no client of its own waiting (inject, local's
// forwards, send's bounces) waits for one write or for the verdict before
// it kills the queue program: timeoutsmtpd's default, the time an SMTP
// client is asked to wait.  smtpd uses its timeoutsmtpd.
inline constexpr int kQueueTimeoutSeconds = 1200;

// $QMAILQUEUE when set and not empty, else mailsuite-queue (ProgramPath).
std::string DefaultQueueProgram();

// One message to one queue program: Start, Write any number of times,
// then exactly one of Finish or Abort.  The caller must ignore SIGPIPE.
// A program still running when the client dies is killed.
class QueueClient {
 public:
  Status Start(const std::string& program);
  pid_t pid() const { return child_.pid(); }
  // false once a write failed or timed out (then every later call too):
  // the program stopped reading.  Finish reports it; the caller may go on
  // reading its own input.
  bool Write(std::string_view data, const Deadline& deadline = Deadline::Never());
  bool write_failed() const { return write_failed_; }
  // Ends the message, sends the envelope (not after a failed write, so a
  // real qmail-queue keeps nothing), waits for the exit until deadline
  // (then kills the program) and reads a filter's fd 6 reply.
  QueueVerdict Finish(std::string_view envelope, const Deadline& deadline);
  // Gives up on the message: no envelope, so the queue keeps nothing;
  // waits for the program until deadline, then kills it.
  void Abort(const Deadline& deadline = Deadline::AfterSeconds(60));

 private:
  Child child_;
  UniqueFd message_;
  UniqueFd envelope_;
  UniqueFd reply_;
  bool write_failed_ = false;
};

// A whole message in memory, start to verdict, all within deadline.
// Error: the program could not be started.
Result<QueueVerdict> QueueMessage(const std::string& program, std::string_view message,
                                  std::string_view envelope, const Deadline& deadline);

}  // namespace ms

#endif  // MAILSUITE_LIB_QUEUE_CLIENT_H_
