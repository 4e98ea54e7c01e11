// Memory-backed ByteStream and MessageSink for driving the real smtpd
// session in unit tests and the fuzz target.
#ifndef MAILSUITE_TESTS_SMTPD_MEMORY_IO_H_
#define MAILSUITE_TESTS_SMTPD_MEMORY_IO_H_

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "smtpd/config.h"
#include "smtpd/message_sink.h"
#include "smtpd/session.h"
#include "byte_stream.h"

namespace ms::smtpd::testing {

class MemoryTransport : public ByteStream {
 public:
  // Reads return at most `chunk` bytes; at the end, EOF or a timeout.
  explicit MemoryTransport(std::string input, size_t chunk = 4096, bool end_with_timeout = false)
      : input_(std::move(input)), chunk_(chunk ? chunk : 1), timeout_(end_with_timeout) {}
  ssize_t Read(char* buf, size_t len, const Deadline&) override {
    if (pos_ >= input_.size()) return timeout_ ? -2 : 0;
    size_t n = std::min({len, chunk_, input_.size() - pos_});
    std::memcpy(buf, input_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override {
    return Read(buf, len, deadline);  // smtpd always reads ahead
  }
  bool Write(std::string_view data, const Deadline&, bool* = nullptr) override {
    output.append(data);
    return true;
  }
  std::string output;

 private:
  std::string input_;
  size_t chunk_;
  bool timeout_;
  size_t pos_ = 0;
};

struct QueuedMessage {
  std::string data;
  Envelope envelope;
};

// Records what would have been queued; "exits" with exit_code.
struct MemoryQueue {
  int exit_code = 0;
  std::string custom;  // fd 6 text for exit 82
  std::vector<QueuedMessage> queued;
  int aborted = 0;
  size_t max_buffered = 0;  // the largest single Write: memory stays flat

  class Sink : public MessageSink {
   public:
    explicit Sink(MemoryQueue* q) : q_(q) {}
    bool Begin() override { return true; }
    bool Write(std::string_view data) override {
      q_->max_buffered = std::max(q_->max_buffered, data.size());
      data_.append(data.substr(0, 1 << 20));  // bounded even under fuzzing
      return true;
    }
    QueueOutcome Commit(const Envelope& envelope) override {
      ExitStatus status;
      status.exited = true;
      status.code = q_->exit_code;
      if (status.code == 0) q_->queued.push_back({data_, envelope});
      return MapQueueExit(status, q_->custom, 4242, 1700000000);
    }
    void Abort() override { ++q_->aborted; }

   private:
    MemoryQueue* q_;
    std::string data_;
  };

  SinkFactory Factory() {
    return [this] { return std::make_unique<Sink>(this); };
  }
};

inline Config TestConfig() {
  Config c;
  c.me = "mail.example.test";
  c.greeting = "mail.example.test";
  c.timeout_seconds = 5;
  c.remote_ip = "192.0.2.7";
  c.remote_host = "client.example.net";
  c.relay.me = c.me;
  c.relay.localiphost = c.me;
  c.relay.local_ip = "192.0.2.1";
  c.relay.rcpthosts = {"example.test", ".sub.example.test"};
  return c;
}

inline SessionHooks QuietHooks(bool room = true) {
  SessionHooks h;
  h.queue_has_room = [room](uint64_t) { return room; };
  h.now = [] { return static_cast<time_t>(1700000000); };
  h.log_fd = -1;  // LogLine::Emit to an invalid fd writes nothing
  return h;
}

}  // namespace ms::smtpd::testing

#endif  // MAILSUITE_TESTS_SMTPD_MEMORY_IO_H_
