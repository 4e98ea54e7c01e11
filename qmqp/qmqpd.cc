#include "qmqp/qmqpd.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "deadline.h"
#include "envelope.h"
#include "log.h"
#include "qmqp/qmqp_reply.h"
#include "queue_client.h"
#include "smtpd/received.h"

namespace ms::qmqp {

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// After refusing a request early, reads (and drops) what the client is
// still sending, briefly and boundedly, so that our close does not reset
// the connection (and destroy the reply) while its data is unread.
void DrainBriefly(int in_fd, int out_fd) {
  ::shutdown(out_fd, SHUT_WR);
  Deadline deadline = Deadline::AfterMs(1000);
  char buf[16384];
  size_t total = 0;
  while (total < (1u << 20)) {
    ssize_t n = ReadWithDeadline(in_fd, buf, sizeof buf, deadline);
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
}

class Session {
 public:
  Session(int in_fd, int out_fd, const QmqpdConfig& config, QueueHelperClient* helper)
      : in_(in_fd), out_(out_fd), config_(config), started_ms_(MonotonicMs()),
        remote_ip_(Env("TCPREMOTEIP")), helper_(helper), submission_(helper) {}

  int Run();

 private:
  // Each read waits timeoutsmtpd, and the whole session at most an hour.
  Deadline ReadDeadline() const {
    int64_t left = kSessionSeconds * 1000 - (MonotonicMs() - started_ms_);
    return Deadline::AfterMs(std::max<int64_t>(0, std::min<int64_t>(left, config_.timeout_seconds * 1000)));
  }
  Deadline QueueDeadline() const { return Deadline::AfterSeconds(config_.timeout_seconds); }
  void StartQueue();
  void WriteQueue(std::string_view data);
  void AbortQueue();
  // The queue's verdict on the whole message; pid: for the reply's "qp".
  QueueVerdict FinishQueue(std::string_view envelope, pid_t* pid);
  int Reply(const std::string& netstring, const char* result, const std::string& reason);
  int Gone(const char* why);

  int in_, out_;
  const QmqpdConfig& config_;
  int64_t started_ms_;
  std::string remote_ip_;
  RequestParser parser_{config_.limits};
  QueueHelperClient* helper_;     // null: mailsuite-queue is exec'd
  HelperSubmission submission_;  // the message, when it goes to the helper
  bool via_helper_ = false;
  QueueClient queue_;            // the message, when a program is exec'd
  bool queue_started_ = false;
  bool queue_failed_ = false;
};

void Session::StartQueue() {
  // A helper found gone (or failing to take the message) leaves the
  // message to the exec'd program, as in smtpd.
  via_helper_ = helper_ != nullptr && !config_.queue_program_is_filter && helper_->Alive() && submission_.Start();
  if (!via_helper_ && !queue_.Start(config_.queue_program).ok()) {
    queue_failed_ = true;
    return;
  }
  queue_started_ = true;
  std::string remote_host = Env("TCPREMOTEHOST");
  smtpd::ReceivedInfo info{remote_host, remote_host, remote_ip_, config_.me, "QMQP"};
  WriteQueue(smtpd::FormatReceived(info, ::time(nullptr)));
}

void Session::WriteQueue(std::string_view data) {
  if (via_helper_) submission_.Write(data);
  else queue_.Write(data, QueueDeadline());
}

void Session::AbortQueue() {
  if (via_helper_) submission_.Abort();
  else queue_.Abort(QueueDeadline());
}

QueueVerdict Session::FinishQueue(std::string_view envelope, pid_t* pid) {
  if (via_helper_) {
    *pid = helper_->pid();  // before the answer: a helper found gone is given up
    return submission_.Finish(envelope);
  }
  *pid = queue_.pid();
  return queue_.Finish(envelope, QueueDeadline());
}

int Session::Reply(const std::string& netstring, const char* result, const std::string& reason) {
  LogLine("message")
      .Add("ip", remote_ip_)
      .Add("bytes", static_cast<unsigned long long>(parser_.message_length()))
      .Add("rcpts", static_cast<unsigned long long>(parser_.recipients().size()))
      .Add("result", result)
      .Add("reason", reason)
      .Emit();
  bool ok = WriteAllWithDeadline(out_, netstring.data(), netstring.size(), QueueDeadline());
  return ok ? 0 : 111;
}

int Session::Gone(const char* why) {
  if (queue_started_) AbortQueue();
  LogLine("dropped").Add("ip", remote_ip_).Add("reason", why).Emit();
  return 0;
}

int Session::Run() {
  char buf[65536];
  std::string_view pending;
  for (;;) {
    if (pending.empty()) {
      ssize_t n = ReadWithDeadline(in_, buf, sizeof buf, ReadDeadline());
      if (n == -2) return Gone("timeout");
      if (n < 0) return Gone("read error");
      if (n == 0) return Gone("client closed before the end of the request");
      pending = std::string_view(buf, static_cast<size_t>(n));
    }
    size_t used = 0;
    RequestParser::Event event = parser_.Feed(pending, &used);
    pending.remove_prefix(used);
    switch (event) {
      case RequestParser::Event::kNeedMore:
        break;
      case RequestParser::Event::kMessageStart:
        StartQueue();
        break;
      case RequestParser::Event::kMessageData:
        if (queue_started_) WriteQueue(parser_.message_data());
        break;
      case RequestParser::Event::kRefused: {
        if (queue_started_) AbortQueue();
        queue_started_ = false;
        std::string text = RefusalText(parser_.error(), config_.limits);
        int code = Reply(EncodeReply('D', text), "refused", text);
        DrainBriefly(in_, out_);
        return code;
      }
      case RequestParser::Event::kComplete: {
        if (queue_failed_) {
          std::string text = "unable to run the queue program (#4.3.0)";
          return Reply(EncodeReply('Z', text), "deferred", text);
        }
        queue_started_ = false;
        pid_t pid = 0;
        Envelope envelope{parser_.sender(), parser_.recipients()};
        QueueVerdict verdict = FinishQueue(EncodeEnvelope(envelope), &pid);
        const char* result = verdict.queued ? "accepted" : verdict.permanent ? "refused" : "deferred";
        return Reply(ReplyForVerdict(verdict, pid, ::time(nullptr)), result,
                     verdict.queued ? "" : verdict.Reason());
      }
    }
  }
}

}  // namespace

Result<QmqpdConfig> LoadQmqpdConfig(const Control& control) {
  QmqpdConfig c;
  auto me = control.Me();
  if (!me) return me.error();
  c.me = *me;
  auto databytes = control.Number("databytes", 0, 0, 1L << 50);
  if (!databytes) return databytes.error();
  c.limits.max_message = static_cast<uint64_t>(*databytes);
  auto maxrcpt = control.Number("qmqpmaxrcpt", static_cast<long>(kDefaultMaxRecipients), 1, 100000);
  if (!maxrcpt) return maxrcpt.error();
  c.limits.max_recipients = static_cast<uint64_t>(*maxrcpt);
  auto timeout = control.Number("timeoutsmtpd", 1200, 1, 86400);
  if (!timeout) return timeout.error();
  c.timeout_seconds = *timeout;
  c.queue_program = DefaultQueueProgram();
  const char* filter = std::getenv("QMAILQUEUE");
  c.queue_program_is_filter = filter != nullptr && *filter != '\0';
  return c;
}

int ServeQmqp(int in_fd, int out_fd, const QmqpdConfig& config, QueueHelperClient* helper) {
  return Session(in_fd, out_fd, config, helper).Run();
}

}  // namespace ms::qmqp
