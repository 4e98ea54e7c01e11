#include "qmqp/qmqpc.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "control.h"
#include "deadline.h"
#include "fd.h"
#include "log.h"
#include "qmqp/qmqp_reply.h"
#include "qmqp/qmqp_request.h"
#include "queue/envelope_reader.h"
#include "remote/tcp_connect.h"

namespace ms::qmqp {

namespace {

enum Exit : int {
  kQueued = 0,
  kRefused = 31,
  kOutOfMemory = 51,
  kUnreadable = 54,
  kBadConfig = 55,
  kTemporary = 71,
  kTimedOut = 72,
  kConnectionRefused = 73,
  kCommunication = 74,
  kVerdictOnFd6 = 82,
};

struct Attempt {
  int exit = kCommunication;  // what this server's failure would mean alone
  Reply reply;                // when the server answered
  std::string why;            // for the log
};

// Reads the reply netstring until it is complete, malformed or the
// deadline passes.
bool ReadReply(int fd, const Deadline& deadline, Reply* reply, std::string* why) {
  std::string got;
  char buf[1024];
  for (;;) {
    switch (ParseReply(got, reply)) {
      case ReplyParse::kDone:
        return true;
      case ReplyParse::kMalformed:
        *why = "malformed reply";
        return false;
      case ReplyParse::kNeedMore:
        break;
    }
    ssize_t n = ReadWithDeadline(fd, buf, sizeof buf, deadline);
    if (n == -2) {
      *why = "timed out waiting for the reply";
      return false;
    }
    if (n <= 0) {
      *why = n == 0 ? "connection closed without a reply" : std::string("read: ") + std::strerror(errno);
      return false;
    }
    got.append(buf, static_cast<size_t>(n));
  }
}

Attempt TryServer(const QmqpServer& server, const std::string& request, int64_t session_end_ms) {
  Attempt attempt;
  auto left = [&](int seconds) {
    int64_t ms = std::min<int64_t>(seconds * 1000LL, session_end_ms - MonotonicMs());
    return Deadline::AfterMs(std::max<int64_t>(ms, 0));
  };
  auto connection = remote::ConnectTcp(server.ip, server.port, left(kConnectSeconds));
  if (!connection) {
    attempt.why = connection.error().message;
    if (attempt.why.find("timed out") != std::string::npos) attempt.exit = kTimedOut;
    else if (attempt.why.find("refused") != std::string::npos) attempt.exit = kConnectionRefused;
    return attempt;
  }
  int fd = connection->get();
  bool written = true;
  for (size_t off = 0; off < request.size() && written;) {
    size_t n = std::min<size_t>(request.size() - off, 65536);
    bool timed_out = false;
    written = WriteAllWithDeadline(fd, request.data() + off, n, left(kWriteSeconds), &timed_out);
    if (!written) attempt.why = timed_out ? "timed out sending" : std::string("write: ") + std::strerror(errno);
    off += n;
  }
  // A server that refuses early (a length over its limits) answers before
  // it has read everything: its reply may be there even when a write failed.
  std::string read_why;
  if (ReadReply(fd, left(written ? kReplySeconds : 5), &attempt.reply, &read_why)) return attempt;
  if (written) attempt.why = read_why;
  attempt.reply = Reply{};
  return attempt;
}

void LogAttempt(const QmqpServer& server, const char* result, const std::string& why) {
  LogLine(result).Add("server", server.text).Add("reason", why).Emit();
}

}  // namespace

int RunQmqpc(bool fd6_open) {
  std::string message;
  if (!ReadAll(0, &message)) {
    LogLine("fail").Add("code", kUnreadable).Add("reason", "unable to read the message").Emit();
    return kUnreadable;
  }
  auto envelope = queue::ReadEnvelope(1);
  if (!envelope) {
    LogLine("fail").Add("code", envelope.error().code).Add("reason", envelope.error().message).Emit();
    return envelope.error().code;
  }
  Control control;
  auto lines = control.Lines("qmqpservers");
  Result<std::vector<QmqpServer>> servers =
      lines ? ParseQmqpServers(*lines) : Result<std::vector<QmqpServer>>(lines.error());
  if (servers && servers->empty())
    servers = MakeError("no servers in " + control.PathOf("qmqpservers"));
  if (!servers) {
    LogLine("fail").Add("code", kBadConfig).Add("reason", servers.error().message).Emit();
    return kBadConfig;
  }
  std::string request;
  try {
    request = EncodeRequest(message, envelope->envelope.sender, envelope->envelope.recipients);
  } catch (const std::bad_alloc&) {
    return kOutOfMemory;
  }
  message = std::string();
  // QMQP: "A QMQP session should take at most 1 hour" - for all servers.
  int64_t session_end_ms = MonotonicMs() + 3600 * 1000LL;
  int exit = kCommunication;
  Reply temporary;  // the last Z
  for (const QmqpServer& server : *servers) {
    Attempt attempt = TryServer(server, request, session_end_ms);
    switch (attempt.reply.letter) {
      case 'K':
        LogAttempt(server, "queued", attempt.reply.text);
        return kQueued;
      case 'D':
        LogAttempt(server, "refused", attempt.reply.text);
        if (!fd6_open) return kRefused;
        WriteAll(6, "D" + Fd6Text(attempt.reply));
        return kVerdictOnFd6;
      case 'Z':
        LogAttempt(server, "deferred", attempt.reply.text);
        temporary = attempt.reply;
        break;
      default:
        LogAttempt(server, "unreachable", attempt.why);
        exit = attempt.exit;
        break;
    }
  }
  if (temporary.letter != 'Z') return exit;
  if (!fd6_open) return kTemporary;
  WriteAll(6, "Z" + Fd6Text(temporary));
  return kVerdictOnFd6;
}

}  // namespace ms::qmqp
