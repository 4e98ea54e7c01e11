#include "queue_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "paths.h"

namespace ms {

namespace {

constexpr int kFilterReplyFd = 6;
// A filter's reply: qmail-smtpd reads at most this much of fd 6's text.
constexpr size_t kMaxFilterReply = 1000;
// Of it, the first line up to this length becomes the reply text.
constexpr size_t kMaxFilterText = 400;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of a leading "5.7.1 " (class, 1-3 digits, 1-3 digits, space)
// of the given class, or 0.
size_t EnhancedCodeLength(std::string_view text, char klass) {
  if (text.size() < 6 || text[0] != klass || text[1] != '.') return 0;
  size_t i = 2;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0 || i >= text.size() || text[i] != '.') return 0;
  ++i;
  digits = 0;
  while (i < text.size() && IsDigit(text[i]) && digits < 3) ++i, ++digits;
  return digits > 0 && i < text.size() && text[i] == ' ' ? i : 0;
}

// notqmail's exit 82: "D" (permanent) or "Z" (temporary), then the text.
QueueVerdict FilterVerdict(std::string_view reply) {
  QueueVerdict v;
  if (reply.empty() || (reply[0] != 'D' && reply[0] != 'Z')) {
    v.enhanced = "4.3.0";
    v.text = "queue temporary problem (exit 82 without a reply text)";
    return v;
  }
  v.from_filter = true;
  v.permanent = reply[0] == 'D';
  std::string text;
  for (char c : reply.substr(1)) {
    if (c == '\n' || c == '\r' || text.size() >= kMaxFilterText) break;
    unsigned char u = static_cast<unsigned char>(c);
    text.push_back(u >= 32 && u < 127 ? c : '?');
  }
  v.filter_line = text;
  // A filter may write its own "554 " style code; the class is ours.
  if (text.size() >= 4 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) && text[3] == ' ')
    text.erase(0, 4);
  if (size_t n = EnhancedCodeLength(text, v.permanent ? '5' : '4'); n > 0) {
    v.enhanced = text.substr(0, n);
    text.erase(0, n + 1);
  } else {
    v.enhanced = v.permanent ? "5.7.1" : "4.7.1";
  }
  if (text.empty()) text = v.permanent ? "message refused" : "message deferred";
  v.text = std::move(text);
  return v;
}

}  // namespace

QueueExitMeaning MeaningOfQueueExit(int code) {
  switch (code) {
    case 11: return {true, "5.1.3", "queue envelope address too long"};
    case 31: return {true, "5.3.0", "mail server permanently refuses the message"};
    case 51: return {false, "4.3.0", "queue out of memory"};
    case 52: return {false, "4.3.0", "queue timeout"};
    case 53: return {false, "4.3.1", "queue write error or disk full"};
    case 54: return {false, "4.3.0", "queue read error (message or envelope)"};
    case 55: return {false, "4.3.0", "queue unable to read configuration"};
    case 56: return {false, "4.3.0", "queue trouble making network connection"};
    case 61: return {false, "4.3.0", "queue trouble in home directory"};
    case 62: case 63: case 64: case 65: case 66:
      return {false, "4.3.0", "queue trouble creating files in the queue"};
    case 71: return {false, "4.3.0", "mail server temporarily refuses the message"};
    case 72: return {false, "4.4.1", "connection to mail server timed out"};
    case 73: return {false, "4.4.1", "connection to mail server rejected"};
    case 74: return {false, "4.4.2", "communication with mail server failed"};
    case 81: return {false, "4.3.0", "queue internal bug"};
    case 91: return {false, "4.3.0", "queue envelope format error"};
    case 120: return {false, "4.3.0", "unable to run the queue program"};
    default:
      if (code >= 11 && code <= 40)
        return {true, "5.3.0", "queue permanent problem (exit " + std::to_string(code) + ")"};
      return {false, "4.3.0", "queue temporary problem (exit " + std::to_string(code) + ")"};
  }
}

std::string QueueVerdict::Reason() const {
  if (queued) return "queued";
  return text + " (#" + enhanced + ")";
}

QueueVerdict MakeQueueVerdict(const ExitStatus& status, bool write_failed, bool timed_out,
                              std::string_view filter_reply) {
  QueueVerdict v;
  if (timed_out) {
    v.enhanced = "4.3.0";
    v.text = "the queue program did not answer in time and was killed";
  } else if (!status.exited) {
    v.enhanced = "4.3.0";
    v.text = "the queue program crashed (signal " + std::to_string(status.signal) + ")";
  } else if (status.code == 0 && write_failed) {
    // qmail_close(): "Zqq write error": exit 0 proves nothing when the
    // program did not take the whole message and envelope.
    v.enhanced = "4.3.0";
    v.text = "queue write error: the queue program did not read it all";
  } else if (status.code == 0) {
    v.queued = true;
  } else if (status.code == kFilterReplyExit) {
    v = FilterVerdict(filter_reply);
  } else {
    QueueExitMeaning m = MeaningOfQueueExit(status.code);
    v.permanent = m.permanent;
    v.enhanced = m.enhanced;
    v.text = std::move(m.text);
  }
  v.status = status;
  v.write_failed = write_failed;
  v.timed_out = timed_out;
  return v;
}

bool HoldFilterReplyFd() {
  if (::fcntl(kFilterReplyFd, F_GETFD) != -1) return true;
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && fd != kFilterReplyFd) {
    ::dup3(fd, kFilterReplyFd, O_CLOEXEC);
    ::close(fd);
  }
  return false;
}

std::string DefaultQueueProgram() {
  const char* qq = ::getenv("QMAILQUEUE");
  return qq != nullptr && *qq != '\0' ? std::string(qq) : ProgramPath("mailsuite-queue");
}

Status QueueClient::Start(const std::string& program) {
  UniqueFd message_read, envelope_read, reply_write;
  if (!MakePipe(&message_read, &message_) || !MakePipe(&envelope_read, &envelope_) ||
      !MakePipe(&reply_, &reply_write))
    return MakeError(std::string("unable to make a pipe: ") + std::strerror(errno));
  // Our ends only (each end is its own open file): writes then wait with
  // a deadline instead of blocking on a program that stopped reading.
  ::fcntl(message_.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(envelope_.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(reply_.get(), F_SETFL, O_NONBLOCK);
  SpawnSpec spec;
  spec.argv = {program};
  spec.fds = {{0, message_read.get()}, {1, envelope_read.get()}, {kFilterReplyFd, reply_write.get()}};
  auto pid = Spawn(spec);
  if (!pid) return pid.error();  // names the program already
  child_ = Child(*pid);
  write_failed_ = false;
  return Ok{};
}

bool QueueClient::Write(std::string_view data, const Deadline& deadline) {
  if (write_failed_ || !message_.valid()) return false;
  if (!WriteAllWithDeadline(message_.get(), data.data(), data.size(), deadline)) write_failed_ = true;
  return !write_failed_;
}

QueueVerdict QueueClient::Finish(std::string_view envelope, const Deadline& deadline) {
  message_.reset();
  if (!write_failed_ &&
      !WriteAllWithDeadline(envelope_.get(), envelope.data(), envelope.size(), deadline))
    write_failed_ = true;
  envelope_.reset();
  bool timed_out = false;
  ExitStatus status = child_.WaitUntil(deadline, &timed_out);
  std::string reply;
  if (status.exited && status.code == kFilterReplyExit) reply = ReadFilterReply(reply_.get());
  reply_.reset();
  return MakeQueueVerdict(status, write_failed_, timed_out, reply);
}

void QueueClient::Abort(const Deadline& deadline) {
  message_.reset();
  envelope_.reset();
  reply_.reset();
  bool timed_out = false;
  child_.WaitUntil(deadline, &timed_out);
}

std::string ReadFilterReply(int fd) {
  std::string text;
  char buf[kMaxFilterReply];
  ssize_t n;
  while (text.size() < kMaxFilterReply) {
    n = ::read(fd, buf, kMaxFilterReply - text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end, or EAGAIN: all that was written
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

Result<QueueVerdict> QueueMessage(const std::string& program, std::string_view message,
                                  std::string_view envelope, const Deadline& deadline) {
  QueueClient queue;
  if (Status s = queue.Start(program); !s.ok()) return s.error();
  queue.Write(message, deadline);  // a failure shows in the verdict
  return queue.Finish(envelope, deadline);
}

}  // namespace ms
