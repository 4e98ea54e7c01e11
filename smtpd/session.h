// One SMTP session: the command state machine of RFC 5321 with the
// extensions of EHLO, DATA streamed into a MessageSink, and one log line
// per message and per session end.  I/O only through a ByteStream, the
// queue only through a MessageSink: the fuzz target and the unit tests
// drive the real state machine with memory-backed ones.
//
// Slots for STARTTLS and AUTH (the TLS issue): an Extension sees every
// command first and adds EHLO keywords; it may replace the stream,
// call ResetAfterTls() (drops pipelined input and all session state), and
// set_authenticated(), which lets the client relay.
#ifndef MAILSUITE_SMTPD_SESSION_H_
#define MAILSUITE_SMTPD_SESSION_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "smtpd/bdat.h"
#include "smtpd/command.h"
#include "smtpd/config.h"
#include "byte_stream.h"
#include "line_reader.h"
#include "smtpd/message_sink.h"
#include "smtpd/spf_gate.h"

namespace ms::smtpd {

class Session;

class Extension {
 public:
  virtual ~Extension() = default;
  virtual void AddEhloKeywords(const Session& session, std::vector<std::string>* keywords) = 0;
  // true when it handled (and answered) the command.
  virtual bool Handle(const Command& command, Session& session) = 0;
};

using SinkFactory = std::function<std::unique_ptr<MessageSink>()>;

enum class IdleWait { kReady, kTimeout, kInterrupted };

// Hooks for what a session asks of the system, replaceable in tests.
struct SessionHooks {
  std::function<bool(uint64_t incoming)> queue_has_room;
  // Stress mode (stress_mode.h): while it holds, a wait for a command
  // lasts at most timeoutstress.  wait_readable waits for the plain
  // transport's input until the deadline and returns kInterrupted when a
  // signal cut the wait short, so that a session already waiting learns
  // of stress mode; used only before STARTTLS (TLS may hold input the fd
  // does not show).
  std::function<bool()> under_stress;
  std::function<IdleWait(const Deadline&)> wait_readable;
  std::function<time_t()> now;
  // The tarpit's wait (default: nanosleep, no CPU while it waits).
  std::function<void(long seconds)> sleep;
  // Called when MAIL opens a transaction (a pooled session worker leases
  // its queue helper only then: tcpserver/SMTPD_WORKERS.md).
  std::function<void()> transaction_started;
  int log_fd = 2;
};

class Session {
 public:
  Session(const Config& config, ByteStream* transport, SinkFactory sinks, SessionHooks hooks);

  // Greets, runs commands until QUIT, end of input, a timeout or a write
  // error; logs the end.  Returns the reason ("quit", "eof", "timeout", ...).
  std::string Run();

  // For extensions.  A 500-504 reply counts toward maxerrors; the one
  // that reaches it becomes "421 4.7.0 too many errors" and ends the
  // session (DESIGN.md, wave-2 details).
  void Reply(std::string_view line);
  // Logs a refused MAIL or RCPT (one `refused` line, read by
  // mailsuite-stats) and answers it.
  void Refuse(std::string_view what, std::string_view category, std::string_view argument,
              std::string_view reply);
  bool Flush();
  LineReader& input() { return input_; }
  void set_transport(ByteStream* transport);
  void ResetAfterTls();
  void set_authenticated(bool value) { authenticated_ = value; }
  bool authenticated() const { return authenticated_; }
  void set_protocol(std::string protocol) { protocol_ = std::move(protocol); }
  void add_extension(Extension* extension) { extensions_.push_back(extension); }
  const Config& config() const { return config_; }
  // Ends the session after the current command (an extension's fatal error).
  void End(std::string reason) { end_reason_ = std::move(reason); }
  bool greeted() const { return !helo_.empty(); }
  bool in_transaction() const { return has_sender_; }

 private:
  enum class Step { kContinue, kStop };
  Step Dispatch(const Command& command);
  void Helo(const Command& command, bool extended);
  void Mail(const Command& command);
  void Rcpt(const Command& command);
  Step Data(const Command& command);
  // CHUNKING (session_bdat.cc).
  Step Bdat(const Command& command);
  ReadStatus ReadChunk(uint64_t size);
  void EndBdat();
  Envelope CurrentEnvelope() const;
  Step EndInData(ReadStatus status, uint64_t octets);
  std::string ReceivedLine() const;
  void ResetTransaction();
  void LogMessage(std::string_view result, std::string_view detail, uint64_t bytes, std::string_view id);
  Deadline ClientDeadline() const;
  Deadline IdleDeadline(int64_t waiting_since_ms) const;
  bool SpokeBeforeGreeting();
  void Tarpit();
  ReadStatus NextCommand(std::string_view* line);

  const Config& config_;
  ByteStream* transport_;
  ByteStream* const plain_transport_;  // the one before STARTTLS
  SinkFactory sinks_;
  SessionHooks hooks_;
  LineReader input_;
  std::string output_;
  std::vector<Extension*> extensions_;
  std::string end_reason_;

  std::string helo_;
  bool esmtp_ = false;
  bool authenticated_ = false;
  std::string protocol_;
  bool has_sender_ = false;
  std::string sender_;
  std::vector<std::string> recipients_;
  bool smtputf8_ = false;  // MAIL had SMTPUTF8: UTF-8 addresses allowed, queued with the mark
  MailDsn mail_dsn_;                  // RET, ENVID of this MAIL
  std::vector<RcptDsn> recipient_dsn_;  // NOTIFY, ORCPT, one per recipients_
  std::unique_ptr<BdatMessage> bdat_;  // a message arriving in BDAT chunks
  unsigned long messages_ = 0;
  unsigned long rcpt_refused_ = 0;
  long errors_ = 0;  // 500-504 replies so far
  long rcpt_commands_ = 0;  // every RCPT of the session, accepted or not (tarpitcount)
  SpfGate spf_;  // this transaction's SPF result (reset with it)
};

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_SESSION_H_
