#include "smtpd/session.h"

#include <cerrno>
#include <ctime>

#include "log.h"
#include "smtpd/data_decoder.h"
#include "smtpd/received.h"
#include "smtpd/smtputf8.h"

namespace ms::smtpd {

namespace {

const char* RcptRefusal(RcptVerdict verdict) {
  switch (verdict) {
    case RcptVerdict::kRelayDenied: return "553 5.7.1 relaying denied: domain not in rcpthosts";
    case RcptVerdict::kPercentHack: return "553 5.7.1 relaying denied: % addresses are not accepted";
    case RcptVerdict::kBangPath: return "553 5.7.1 relaying denied: ! (bang path) addresses are not accepted";
    case RcptVerdict::kAtInLocal: return "553 5.7.1 relaying denied: @ in the local part is not accepted";
    case RcptVerdict::kForeignLiteral: return "553 5.7.1 relaying denied: address literal is not this server";
    case RcptVerdict::kBadRcpt: return "553 5.7.1 recipient refused (badrcptto)";
    case RcptVerdict::kNoDomain: return "553 5.1.3 recipient address must have a domain";
    case RcptVerdict::kTempFail: return "451 4.3.0 unable to read morercpthosts.cdb";
    case RcptVerdict::kAccept: break;
  }
  return "250 2.1.5 ok";
}

// The reason mailsuite-stats counts a refused recipient under.
const char* RcptCategory(RcptVerdict verdict) {
  switch (verdict) {
    case RcptVerdict::kBadRcpt: return "badrcptto";
    case RcptVerdict::kNoDomain: return "syntax";
    case RcptVerdict::kTempFail: return "tempfail";
    default: return "relay";
  }
}

const char* PathError(PathArgError e, bool sender) {
  switch (e) {
    case PathArgError::kSyntax: return sender ? "501 5.5.4 syntax: MAIL FROM:<address>" : "501 5.5.4 syntax: RCPT TO:<address>";
    case PathArgError::kBadAddress: return sender ? "501 5.1.7 bad sender address syntax" : "501 5.1.3 bad recipient address syntax";
    case PathArgError::kTooLong: return sender ? "501 5.1.7 sender address too long" : "501 5.1.3 recipient address too long";
    case PathArgError::kBadParam: return "501 5.5.4 malformed parameter";
    case PathArgError::kUnknownParam: return "555 5.5.4 unsupported parameter";
    case PathArgError::kBadUtf8: return kBadUtf8Reply.data();
    case PathArgError::kNone: break;
  }
  return "501 5.5.4 syntax error";
}

}  // namespace

Session::Session(const Config& config, ByteStream* transport, SinkFactory sinks, SessionHooks hooks)
    : config_(config), transport_(transport), plain_transport_(transport), sinks_(std::move(sinks)),
      hooks_(std::move(hooks)), spf_(config, hooks_.log_fd) {
  input_.set_stream(transport);
  if (!hooks_.now) hooks_.now = [] { return ::time(nullptr); };
  if (!hooks_.sleep) {
    hooks_.sleep = [](long seconds) {
      struct timespec left = {seconds, 0};
      while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
      }
    };
  }
}

Deadline Session::ClientDeadline() const { return Deadline::AfterSeconds(config_.timeout_seconds); }

// timeoutsmtpd from the start of the wait, or timeoutstress under stress:
// an idle session that learns of stress mode late may be past it already.
Deadline Session::IdleDeadline(int64_t waiting_since_ms) const {
  long seconds = config_.timeout_seconds;
  if (hooks_.under_stress && hooks_.under_stress() && config_.timeout_stress_seconds < seconds)
    seconds = config_.timeout_stress_seconds;
  return Deadline::AfterMs(waiting_since_ms + seconds * 1000 - MonotonicMs());
}

ReadStatus Session::NextCommand(std::string_view* line) {
  const int64_t since = MonotonicMs();
  if (!input_.HasBufferedLine() && hooks_.wait_readable && transport_ == plain_transport_) {
    for (;;) {
      IdleWait w = hooks_.wait_readable(IdleDeadline(since));
      if (w == IdleWait::kReady) break;
      if (w == IdleWait::kTimeout) return ReadStatus::kTimeout;
      // Interrupted: stress mode may have changed; the deadline is recomputed.
    }
  }
  return input_.Next(line, kMaxCommandLine, IdleDeadline(since));
}

// The replies maxerrors counts: syntax, unknown command, bad sequence,
// unknown parameter (DESIGN.md "Throttling").
static bool CountsAsError(std::string_view line) {
  return line.size() >= 3 && line[0] == '5' && line[1] == '0' && line[2] >= '0' && line[2] <= '4';
}

void Session::Reply(std::string_view line) {
  if (CountsAsError(line) && config_.max_errors > 0 && ++errors_ >= config_.max_errors &&
      end_reason_.empty()) {
    LogLine("refused")
        .Add("ip", config_.remote_ip)
        .Add("what", "session")
        .Add("category", "errors")
        .Add("errors", errors_)
        .Add("reply", line)
        .Emit(hooks_.log_fd);
    line = "421 4.7.0 too many errors";
    end_reason_ = "maxerrors";
  }
  output_.append(line);
  output_.append("\r\n");
}

bool Session::Flush() {
  if (output_.empty()) return true;
  bool ok = transport_->Write(output_, ClientDeadline());
  output_.clear();
  return ok;
}

void Session::Refuse(std::string_view what, std::string_view category, std::string_view argument,
                     std::string_view reply) {
  LogLine("refused")
      .Add("ip", config_.remote_ip)
      .Add("what", what)
      .Add("category", category)
      .Add("arg", argument.substr(0, 300))
      .Add("reply", reply)
      .Emit();
  Reply(reply);
}

void Session::set_transport(ByteStream* transport) {
  transport_ = transport;
  input_.set_stream(transport);
}

void Session::ResetAfterTls() {
  input_.Discard();
  helo_.clear();
  esmtp_ = false;
  ResetTransaction();
}

void Session::ResetTransaction() {
  has_sender_ = false;
  sender_.clear();
  recipients_.clear();
  spf_.Reset();
  smtputf8_ = false;
  mail_dsn_ = MailDsn();
  recipient_dsn_.clear();
  EndBdat();
}

Envelope Session::CurrentEnvelope() const {
  Envelope envelope(sender_, recipients_);
  envelope.smtputf8 = smtputf8_;
  envelope.dsn = mail_dsn_;
  for (const RcptDsn& dsn : recipient_dsn_)
    if (!dsn.empty()) envelope.recipient_dsn = recipient_dsn_;
  return envelope;
}

// greetdelay (postscreen's pre-greet test): a real client waits for the
// 220; one that talks first is a bot pushing its script.  It gets 554 and
// the close; its bytes are never taken as commands.
bool Session::SpokeBeforeGreeting() {
  if (config_.greet_delay_ms <= 0) return false;
  ReadStatus status = input_.Fill(Deadline::AfterMs(config_.greet_delay_ms));
  if (status == ReadStatus::kTimeout) return false;
  if (status == ReadStatus::kOk) {
    LogLine("refused")
        .Add("ip", config_.remote_ip)
        .Add("what", "session")
        .Add("category", "pregreet")
        .Add("arg", input_.Pending().substr(0, 100))
        .Emit(hooks_.log_fd);
    input_.Discard();
    Reply("554 5.5.1 protocol error: you spoke before the greeting");
    end_reason_ = "pregreet";
  } else {
    end_reason_ = status == ReadStatus::kEof ? "eof" : "read error";
  }
  return true;
}

// tarpitcount/tarpitdelay: after that many RCPTs in the session each
// further one waits before its reply.  Replies already due go out first,
// so the client sees progress; the wait itself is a sleep, not a poll loop.
void Session::Tarpit() {
  if (rcpt_commands_ == config_.tarpit_count + 1)
    LogLine("tarpit")
        .Add("ip", config_.remote_ip)
        .Add("rcpts", rcpt_commands_)
        .Add("delay", config_.tarpit_delay_seconds)
        .Emit(hooks_.log_fd);
  if (!Flush()) {
    end_reason_ = "write error";
    return;
  }
  hooks_.sleep(config_.tarpit_delay_seconds);
}

std::string Session::Run() {
  if (!SpokeBeforeGreeting()) Reply("220 " + config_.greeting + " ESMTP");
  std::string line;
  while (end_reason_.empty()) {
    // PIPELINING: replies wait until the client has no further whole
    // command queued, and go out before any read that could block.
    if (!input_.HasBufferedLine() && !Flush()) {
      end_reason_ = "write error";
      break;
    }
    std::string_view read;
    ReadStatus status = NextCommand(&read);
    if (status == ReadStatus::kTimeout) {
      Reply("421 4.4.2 " + config_.me + " timeout, closing connection");
      end_reason_ = "timeout";
      break;
    }
    if (status == ReadStatus::kTooLong) {
      Reply("500 5.5.2 line too long (512 octets at most)");
      continue;
    }
    if (status != ReadStatus::kOk) {
      end_reason_ = status == ReadStatus::kEof ? "eof" : "read error";
      break;
    }
    line.assign(read);  // a command (AUTH) may read further lines
    if (Dispatch(ParseCommand(line)) == Step::kStop) break;
  }
  Flush();
  LogLine("end")
      .Add("ip", config_.remote_ip)
      .Add("helo", helo_)
      .Add("messages", messages_)
      .Add("rcpt_refused", rcpt_refused_)
      .Add("reason", end_reason_)
      .Emit(hooks_.log_fd);
  return end_reason_;
}

Session::Step Session::Dispatch(const Command& command) {
  for (Extension* e : extensions_)
    if (e->Handle(command, *this)) return end_reason_.empty() ? Step::kContinue : Step::kStop;
  if (command.has_control) {
    Reply("501 5.5.2 control characters in command");
    return Step::kContinue;
  }
  switch (command.verb) {
    case Verb::kHelo: Helo(command, false); break;
    case Verb::kEhlo: Helo(command, true); break;
    case Verb::kMail: Mail(command); break;
    case Verb::kRcpt: Rcpt(command); break;
    case Verb::kData: return Data(command);
    case Verb::kBdat: return Bdat(command);
    case Verb::kRset:
      ResetTransaction();
      Reply("250 2.0.0 ok");
      break;
    case Verb::kNoop: Reply("250 2.0.0 ok"); break;
    case Verb::kVrfy: Reply("252 2.0.0 send some mail, I'll try my best"); break;
    case Verb::kHelp: Reply("214 2.0.0 see RFC 5321"); break;
    case Verb::kQuit:
      Reply("221 2.0.0 " + config_.me + " closing connection");
      end_reason_ = "quit";
      return Step::kStop;
    case Verb::kStartTls:
    case Verb::kAuth:
    case Verb::kUnknown: Reply("502 5.5.1 command not implemented"); break;
  }
  return Step::kContinue;
}

void Session::Helo(const Command& command, bool extended) {
  if (command.arg.empty()) {
    Reply(extended ? "501 5.5.4 syntax: EHLO hostname" : "501 5.5.4 syntax: HELO hostname");
    return;
  }
  helo_ = std::string(command.arg);
  esmtp_ = extended;
  ResetTransaction();
  if (!extended) {
    Reply("250 " + config_.me);
    return;
  }
  std::vector<std::string> keywords = {"PIPELINING", "8BITMIME"};
  if (config_.smtputf8) keywords.push_back("SMTPUTF8");
  keywords.push_back(config_.databytes ? "SIZE " + std::to_string(config_.databytes) : "SIZE");
  for (Extension* e : extensions_) e->AddEhloKeywords(*this, &keywords);
  if (config_.dsn) keywords.push_back("DSN");  // RFC 3461 (dsn_params.h)
  keywords.push_back("CHUNKING");              // RFC 3030 (session_bdat.cc)
  keywords.push_back("ENHANCEDSTATUSCODES");
  Reply("250-" + config_.me);
  for (size_t i = 0; i < keywords.size(); ++i)
    Reply((i + 1 < keywords.size() ? "250-" : "250 ") + keywords[i]);
}

void Session::Mail(const Command& command) {
  if (helo_.empty()) {
    Reply("503 5.5.1 send HELO or EHLO first");
    return;
  }
  if (has_sender_) {
    Reply("503 5.5.1 nested MAIL command");
    return;
  }
  MailArgs args;
  PathArgError e = ParseMailArgs(command.arg, &args);
  if (e == PathArgError::kNone && !config_.dsn && !args.dsn.empty()) e = PathArgError::kUnknownParam;
  if (e != PathArgError::kNone) {
    Refuse("mail", "syntax", command.arg, PathError(e, true));
    return;
  }
  if (args.smtputf8 && !config_.smtputf8) {
    Refuse("mail", "syntax", command.arg, PathError(PathArgError::kUnknownParam, true));
    return;
  }
  if (!args.smtputf8 && PathNeedsSmtpUtf8(args.path)) {
    Refuse("mail", "utf8", command.arg, kNeedsSmtpUtf8Reply);
    return;
  }
  if (args.has_size && config_.databytes && args.size > config_.databytes) {
    Refuse("mail", "size", command.arg, "552 5.3.4 message size exceeds fixed maximum message size");
    return;
  }
  if (hooks_.queue_has_room && !hooks_.queue_has_room(args.has_size ? args.size : 0)) {
    Refuse("mail", "storage", command.arg, "452 4.3.1 insufficient system storage, try again later");
    return;
  }
  if (!args.path.null && IsBadAddress(config_.relay.badmailfrom, args.path.mailbox)) {
    Refuse("mail", "badmailfrom", command.arg, "553 5.7.1 sender refused (badmailfrom)");
    return;
  }
  has_sender_ = true;
  smtputf8_ = args.smtputf8;
  sender_ = args.path.null ? std::string() : EnvelopeAddress(args.path.mailbox);
  mail_dsn_ = args.dsn;
  spf_.AtMail(sender_, helo_, authenticated_);
  if (hooks_.transaction_started) hooks_.transaction_started();
  Reply("250 2.1.0 ok");
}

void Session::Rcpt(const Command& command) {
  ++rcpt_commands_;
  if (config_.tarpit_count > 0 && rcpt_commands_ > config_.tarpit_count && config_.tarpit_delay_seconds > 0) {
    Tarpit();
    if (!end_reason_.empty()) return;
  }
  if (!has_sender_) {
    Reply("503 5.5.1 need MAIL before RCPT");
    return;
  }
  RcptArgs args;
  PathArgError e = ParseRcptArgs(command.arg, &args);
  if (e == PathArgError::kNone && !config_.dsn && !args.dsn.empty()) e = PathArgError::kUnknownParam;
  if (e != PathArgError::kNone) {
    ++rcpt_refused_;
    Refuse("rcpt", "syntax", command.arg, PathError(e, false));
    return;
  }
  if (!smtputf8_ && PathNeedsSmtpUtf8(args.path)) {
    ++rcpt_refused_;
    Refuse("rcpt", "utf8", command.arg, kNeedsSmtpUtf8Reply);
    return;
  }
  long limit = config_.maxrcpt > 0 ? config_.maxrcpt : kHardMaxRcpt;
  if (static_cast<long>(recipients_.size()) >= limit) {
    ++rcpt_refused_;
    Refuse("rcpt", "maxrcpt", command.arg, "452 4.5.3 too many recipients");
    return;
  }
  RcptDecision d = CheckRecipient(config_.relay, args.path, authenticated_);
  if (d.verdict != RcptVerdict::kAccept) {
    ++rcpt_refused_;
    Refuse("rcpt", RcptCategory(d.verdict), command.arg, RcptRefusal(d.verdict));
    return;
  }
  if (std::string refusal = spf_.RefusalFor(d.address); !refusal.empty()) {
    ++rcpt_refused_;
    Refuse("rcpt", "spf", command.arg, refusal);
    return;
  }
  recipients_.push_back(std::move(d.address));
  recipient_dsn_.push_back(std::move(args.dsn));
  Reply("250 2.1.5 ok");
}

Session::Step Session::Data(const Command& command) {
  if (bdat_) {  // RFC 3030 2: no DATA in a BDAT transaction
    Reply("503 5.5.1 DATA after BDAT in the same transaction; send RSET");
    return Step::kContinue;
  }
  if (!has_sender_) {
    Reply("503 5.5.1 need MAIL before DATA");
    return Step::kContinue;
  }
  if (recipients_.empty()) {
    Reply("554 5.5.1 no valid recipients");
    return Step::kContinue;
  }
  if (!command.arg.empty()) {
    Reply("501 5.5.4 syntax: DATA");
    return Step::kContinue;
  }
  std::unique_ptr<MessageSink> sink = sinks_();
  if (!sink || !sink->Begin()) {
    Reply("451 4.3.0 unable to start the queue program");
    LogMessage("deferred", "queue program did not start", 0, "");
    ResetTransaction();
    return Step::kContinue;
  }
  bool sink_open = true;
  Reply("354 go ahead, end with <CRLF>.<CRLF>");
  if (!Flush()) {
    sink->Abort();
    end_reason_ = "write error";
    return Step::kStop;
  }
  std::string chunk = spf_.Header() + ReceivedLine();  // Received-SPF first (DESIGN.md)
  DataDecoder decoder(kMaxHeaderBytes);
  const char* refusal = nullptr;
  while (!decoder.done()) {
    ReadStatus status = input_.Fill(ClientDeadline());
    if (status != ReadStatus::kOk) {
      sink->Abort();
      return EndInData(status, decoder.octets());
    }
    input_.Consume(decoder.Feed(input_.Pending(), &chunk));
    if (refusal == nullptr) {
      refusal = MessageRefusal(decoder, config_.databytes);
      if (refusal != nullptr) {
        decoder.Discard();  // keep reading to the real end, queue nothing
        chunk.clear();
        sink->Abort();
        sink_open = false;
      }
    }
    if (sink_open && (chunk.size() >= kSinkChunk || decoder.done())) {
      sink->Write(chunk);
      chunk.clear();
    }
  }
  ++messages_;
  if (refusal != nullptr) {
    Reply(refusal);
    LogMessage("refused", refusal, decoder.octets(), "");
  } else {
    QueueOutcome outcome = sink->Commit(CurrentEnvelope());
    Reply(outcome.reply);
    LogMessage(outcome.result, outcome.result == "accepted" ? std::string_view() : outcome.reply,
               decoder.octets(), outcome.id);
  }
  ResetTransaction();
  return Step::kContinue;
}

std::string Session::ReceivedLine() const {
  std::string_view protocol = protocol_;
  if (protocol.empty()) protocol = esmtp_ ? "ESMTP" : "SMTP";
  std::string utf8_protocol;
  if (smtputf8_) protocol = utf8_protocol = Utf8Protocol(protocol);
  return FormatReceived({helo_, config_.remote_host, config_.remote_ip, config_.me, protocol, config_.received_version},
                        hooks_.now());
}

Session::Step Session::EndInData(ReadStatus status, uint64_t octets) {
  bool timeout = status == ReadStatus::kTimeout;
  LogMessage("aborted", timeout ? "timeout in DATA" : "client gone in DATA", octets, "");
  if (timeout) {
    Reply("421 4.4.2 " + config_.me + " timeout, closing connection");
    end_reason_ = "timeout";
  } else {
    end_reason_ = status == ReadStatus::kEof ? "eof" : "read error";
  }
  return Step::kStop;
}

void Session::LogMessage(std::string_view result, std::string_view detail, uint64_t bytes,
                         std::string_view id) {
  LogLine line("message");
  line.Add("ip", config_.remote_ip)
      .Add("helo", helo_)
      .Add("from", sender_)
      .Add("rcpts", recipients_.size())
      .Add("bytes", static_cast<unsigned long long>(bytes))
      .Add("result", result);
  if (!id.empty()) line.Add("id", id);
  if (!detail.empty()) line.Add("reason", detail);
  line.Emit(hooks_.log_fd);
}

}  // namespace ms::smtpd
