#include "smtpd/queue_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>

namespace ms::smtpd {

namespace {

constexpr int kCustomErrorFd = 6;
constexpr size_t kMaxCustomText = 400;

// qmail's texts for qmail-queue's exit codes (qmail.c), with RFC 3463 codes.
const char* ExitText(int code) {
  switch (code) {
    case 11: return "5.1.3 envelope address too long for the queue";
    case 31: return "5.3.0 mail server permanently rejected message";
    case 51: return "4.3.0 queue out of memory";
    case 52: return "4.3.0 queue timeout";
    case 53: return "4.3.1 queue write error or disk full";
    case 54: return "4.3.0 queue read error";
    case 55: return "4.3.0 queue unable to read configuration";
    case 56: return "4.3.0 queue trouble making network connection";
    case 61: return "4.3.0 queue trouble in home directory";
    case 62: case 63: case 64: case 65: case 66: return "4.3.0 queue trouble creating files";
    case 71: return "4.3.0 mail server temporarily rejected message";
    case 72: return "4.4.1 connection to mail server timed out";
    case 73: return "4.4.1 connection to mail server rejected";
    case 74: return "4.4.2 communication with mail server failed";
    case 81: case 91: return "4.3.0 queue internal bug";
    default:
      return code >= 11 && code <= 40 ? "5.3.0 queue permanent problem" : "4.3.0 queue temporary problem";
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "5.7.1 text" or "4.2.2 text": the filter already chose a status code.
bool HasEnhancedCode(std::string_view text, char klass) {
  if (text.size() < 6 || text[0] != klass || text[1] != '.') return false;
  size_t i = 2;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i]) && digits < 3) ++i, ++digits;
  if (digits == 0 || i >= text.size() || text[i] != '.') return false;
  ++i;
  digits = 0;
  while (i < text.size() && IsDigit(text[i]) && digits < 3) ++i, ++digits;
  return digits > 0 && i < text.size() && text[i] == ' ';
}

QueueOutcome CustomOutcome(std::string_view custom) {
  QueueOutcome out;
  if (custom.empty() || (custom[0] != 'D' && custom[0] != 'Z')) {
    out.reply = "451 4.3.0 queue temporary problem (exit 82 without a reply text)";
    out.result = "deferred";
    return out;
  }
  bool permanent = custom[0] == 'D';
  std::string text;
  for (char c : custom.substr(1)) {
    if (c == '\n' || c == '\r' || text.size() >= kMaxCustomText) break;
    unsigned char u = static_cast<unsigned char>(c);
    text.push_back(u >= 32 && u < 127 ? c : '?');
  }
  // A filter may write its own "554 " style code; the class is ours.
  if (text.size() >= 4 && IsDigit(text[0]) && IsDigit(text[1]) && IsDigit(text[2]) && text[3] == ' ')
    text.erase(0, 4);
  if (text.empty()) text = permanent ? "message refused" : "message deferred";
  if (!HasEnhancedCode(text, permanent ? '5' : '4')) text = (permanent ? "5.7.1 " : "4.7.1 ") + text;
  out.reply = (permanent ? "554 " : "451 ") + text;
  out.result = permanent ? "refused" : "deferred";
  return out;
}

}  // namespace

QueueOutcome MapQueueExit(const ExitStatus& status, std::string_view custom, pid_t pid, time_t now) {
  QueueOutcome out;
  if (!status.exited) {
    out.reply = "451 4.3.0 queue program crashed";
    out.result = "deferred";
    return out;
  }
  if (status.code == 0) {
    out.id = std::to_string(now) + " qp " + std::to_string(pid);
    out.reply = "250 2.0.0 ok " + out.id;
    out.result = "accepted";
    return out;
  }
  if (status.code == 82) return CustomOutcome(custom);
  std::string text = ExitText(status.code);
  bool permanent = text[0] == '5';
  out.reply = (permanent ? "554 " : "451 ") + text;
  out.result = permanent ? "refused" : "deferred";
  return out;
}

bool PipedQueue::OpenPipes(UniqueFd* message_read, UniqueFd* envelope_read) {
  return MakePipe(message_read, &message_) && MakePipe(envelope_read, &envelope_);
}

bool PipedQueue::Write(std::string_view data) {
  if (failed_) return false;
  if (!WriteAll(message_.get(), data)) failed_ = true;
  return !failed_;
}

void PipedQueue::SendEnvelope(const Envelope& envelope) {
  message_.reset();
  if (!failed_) WriteAll(envelope_.get(), EncodeEnvelope(envelope));
  envelope_.reset();
}

void PipedQueue::ClosePipes() {
  message_.reset();
  envelope_.reset();
}

QueueProgram::~QueueProgram() {
  if (child_.pid() > 0) Abort();
}

bool QueueProgram::Begin() {
  UniqueFd message_read, envelope_read, custom_write;
  if (!OpenPipes(&message_read, &envelope_read) || !MakePipe(&custom_, &custom_write)) return false;
  SpawnSpec spec;
  spec.argv = {path_};
  spec.fds = {{0, message_read.get()}, {1, envelope_read.get()}, {kCustomErrorFd, custom_write.get()}};
  auto pid = Spawn(spec);
  if (!pid) return false;
  child_ = Child(*pid);
  return true;
}

QueueOutcome QueueProgram::Commit(const Envelope& envelope) {
  SendEnvelope(envelope);
  pid_t pid = child_.pid();
  ExitStatus status = child_.Wait();
  child_ = Child();
  // The child has exited: what it wrote to fd 6 is in the pipe, and only a
  // grandchild could still hold it open, so read without blocking.
  std::string custom;
  if (status.exited && status.code == 82) {
    ::fcntl(custom_.get(), F_SETFL, O_NONBLOCK);
    char buf[kMaxCustomText + 2];
    ssize_t n = ::read(custom_.get(), buf, sizeof buf);
    if (n > 0) custom.assign(buf, static_cast<size_t>(n));
  }
  custom_.reset();
  return MapQueueExit(status, custom, pid, ::time(nullptr));
}

void QueueProgram::Abort() {
  ClosePipes();
  custom_.reset();
  if (child_.pid() > 0) {
    child_.Wait();
    child_ = Child();
  }
}

HelperQueue::~HelperQueue() {
  if (submitted_) Abort();
}

bool HelperQueue::Begin() {
  UniqueFd message_read, envelope_read;
  if (!OpenPipes(&message_read, &envelope_read)) return false;
  // Our copies of the read ends close when this returns: the helper's are
  // then the only ones, so it sees end of file where we close.
  submitted_ = helper_->Submit(message_read.get(), envelope_read.get());
  return submitted_;
}

QueueOutcome HelperQueue::Commit(const Envelope& envelope) {
  SendEnvelope(envelope);
  pid_t pid = helper_->pid();
  submitted_ = false;
  return MapQueueExit(helper_->Result(), "", pid, ::time(nullptr));
}

void HelperQueue::Abort() {
  // The helper reads an envelope without its final \0 and queues nothing.
  ClosePipes();
  if (submitted_) helper_->Result();
  submitted_ = false;
}

}  // namespace ms::smtpd
