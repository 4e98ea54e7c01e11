#include "remote/smtp_session.h"

#include "dsn_params.h"

#include <algorithm>

#include "address.h"
#include "text.h"
#include "tls.h"
#include "utf8_address.h"

namespace ms::remote {

namespace {

constexpr int kQuitTimeoutS = 5;

Outcome OutcomeOf(const Reply& reply) {
  if (reply.Positive()) return Outcome::kAccepted;
  if (reply.Permanent()) return Outcome::kPermanent;
  return Outcome::kTemporary;  // 4xx, and 3xx where it makes no sense
}


}  // namespace

Extensions ParseEhloReply(const Reply& reply) {
  Extensions e;
  for (size_t i = 1; i < reply.lines.size(); ++i) {
    std::string line = LowerCase(reply.lines[i]);
    std::string_view keyword = line, param;
    if (size_t sp = line.find(' '); sp != std::string::npos) {
      keyword = std::string_view(line).substr(0, sp);
      param = std::string_view(line).substr(sp + 1);
    }
    if (keyword == "pipelining") e.pipelining = true;
    if (keyword == "8bitmime") e.eight_bit_mime = true;
    if (keyword == "starttls") e.starttls = true;
    if (keyword == "smtputf8") e.smtputf8 = true;
    if (keyword == "dsn") e.dsn = true;
    if (keyword == "size") {
      e.size = true;
      if (auto limit = ParseDecimal(param, UINT64_MAX, 19)) e.size_limit = *limit;
    }
  }
  return e;
}

SmtpSession::SmtpSession(ByteStream& transport, std::string peer, const SessionConfig& config)
    : transport_(&transport), peer_(std::move(peer)), config_(config) {}

SmtpSession::Io SmtpSession::ReadReply(Reply* reply) {
  Deadline deadline = Deadline::AfterSeconds(config_.timeout_remote_s);
  char buf[4096];
  for (;;) {
    switch (parser_.Next(reply)) {
      case ReplyParser::State::kReply: return Io::kOk;
      case ReplyParser::State::kMalformed: return Io::kMalformed;
      case ReplyParser::State::kNeedMore: break;
    }
    ssize_t n = transport_->Read(buf, sizeof buf, deadline);
    if (n == -2) return Io::kTimeout;
    if (n < 0) return Io::kError;
    if (n == 0) return Io::kClosed;
    parser_.Feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

SmtpSession::Io SmtpSession::Send(std::string_view data) {
  bool timed_out = false;
  if (transport_->Write(data, Deadline::AfterSeconds(config_.timeout_remote_s), &timed_out)) return Io::kOk;
  return timed_out ? Io::kTimeout : Io::kError;
}

std::string SmtpSession::Describe(Io io, const char* when) const {
  const char* what = "connection failed";
  switch (io) {
    case Io::kTimeout: what = "timed out"; break;
    case Io::kClosed: what = "connection closed by the server"; break;
    case Io::kError: what = "connection broken"; break;
    case Io::kMalformed: what = "malformed SMTP reply"; break;
    case Io::kOk: what = "no error"; break;
  }
  return "Connected to " + peer_ + " but " + what + " " + when + ".";
}

std::string SmtpSession::Said(const Reply& reply, const char* command) const {
  return peer_ + " said: " + reply.Joined() + " (in reply to " + command + ")";
}

AttemptResult SmtpSession::Greet(Extensions* extensions) {
  AttemptResult next;  // kNextHost
  Reply reply;
  Io io = ReadReply(&reply);
  if (io != Io::kOk) {
    next.reason = Describe(io, "while waiting for the greeting");
    return next;
  }
  if (!reply.Positive()) {
    next.permanent = reply.Permanent();
    next.reason = Said(reply, "the greeting");
    return next;
  }
  next = Hello(extensions);
  if (next.kind != AttemptResult::kDone || !config_.tls.enabled || tls_fd_ < 0) return next;
  if (!StartTls(extensions, &next)) next.kind = AttemptResult::kNextHost;
  return next;
}

AttemptResult SmtpSession::Hello(Extensions* extensions) {
  AttemptResult next;  // kNextHost
  Reply reply;
  Io io = Send("EHLO " + config_.helohost + "\r\n");
  if (io == Io::kOk) io = ReadReply(&reply);
  if (io != Io::kOk) {
    next.reason = Describe(io, "after EHLO");
    return next;
  }
  if (reply.Positive()) {
    *extensions = ParseEhloReply(reply);
  } else {
    io = Send("HELO " + config_.helohost + "\r\n");
    if (io == Io::kOk) io = ReadReply(&reply);
    if (io != Io::kOk) {
      next.reason = Describe(io, "after HELO");
      return next;
    }
    if (!reply.Positive()) {
      next.permanent = reply.Permanent();
      next.reason = Said(reply, "HELO");
      return next;
    }
  }
  next.kind = AttemptResult::kDone;
  return next;
}

bool SmtpSession::StartTls(Extensions* extensions, AttemptResult* next) {
  next->permanent = false;
  if (!extensions->starttls) {
    if (!config_.tls.require_verified) return true;
    next->reason = peer_ + " does not offer STARTTLS, which tlsdestinations requires.";
    Quit();
    return false;
  }
  Reply reply;
  Io io = Send("STARTTLS\r\n");
  if (io == Io::kOk) io = ReadReply(&reply);
  if (io != Io::kOk) {
    next->reason = Describe(io, "after STARTTLS");
    return false;
  }
  if (reply.code != 220) {
    tls_result_ = "refused";
    if (!config_.tls.require_verified) return true;  // on in plaintext
    next->reason = Said(reply, "STARTTLS");
    Quit();
    return false;
  }
  auto ctx = MakeClientContext({config_.tls.ciphers, false, config_.tls.ca_file});
  auto stream = ctx ? TlsStream::Create(ctx->get(), tls_fd_, tls_fd_)
                    : Result<std::unique_ptr<TlsStream>>(ctx.error());
  Status handshake = stream ? (*stream)->Connect(tls_host_, Deadline::AfterSeconds(config_.timeout_remote_s))
                            : Status(stream.error());
  if (!handshake) {
    // The stream is in an unknown state: nothing more can be said on it.
    tls_result_ = "failed";
    next->reason = "TLS with " + peer_ + " failed: " + handshake.error().message + ".";
    return false;
  }
  bool verified = (*stream)->peer_verified();
  tls_result_ = (*stream)->version() + " " + (*stream)->cipher() + (verified ? " verified" : " unverified");
  std::string verify_error = verified ? "" : (*stream)->verify_error();
  tls_stream_ = std::move(*stream);
  transport_ = tls_stream_.get();
  parser_ = ReplyParser();  // nothing sent before TLS counts after it
  if (config_.tls.require_verified && !verified) {
    next->reason = "The TLS certificate of " + peer_ + " does not verify (" + verify_error +
                   "), which tlsdestinations requires.";
    Quit();
    return false;
  }
  *extensions = Extensions();
  *next = Hello(extensions);
  return next->kind == AttemptResult::kDone;
}

void SmtpSession::Quit() {
  if (Send("QUIT\r\n") != Io::kOk) return;
  // The reply only tells us the server saw it; do not wait long for it.
  Deadline deadline = Deadline::AfterSeconds(std::min(config_.timeout_remote_s, kQuitTimeoutS));
  Reply reply;
  char buf[512];
  while (parser_.Next(&reply) == ReplyParser::State::kNeedMore) {
    ssize_t n = transport_->Read(buf, sizeof buf, deadline);
    if (n <= 0) return;
    parser_.Feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

SmtpSession::Io SmtpSession::SendMessage(StoredMessage& message, Reply* reply, bool* read_failed) {
  // Encoded bytes go out in writes of about kSendChunk; the final dot
  // rides with the last piece, so a small message is one write.
  constexpr size_t kSendChunk = 64 * 1024;
  MessageEncoder encoder;
  std::string out;
  Io io = Io::kOk;
  Status read = message.Stream([&](std::string_view chunk) {
    encoder.Encode(chunk, &out);
    if (out.size() < kSendChunk) return true;
    io = Send(out);
    out.clear();
    return io == Io::kOk;
  });
  *read_failed = !read.ok();
  if (*read_failed) return Io::kError;
  if (io != Io::kOk) return io;
  encoder.Finish(&out);
  io = Send(out);
  if (io != Io::kOk) return io;
  return ReadReply(reply);
}

namespace {

// MAIL FROM with SIZE= and BODY= as far as the server announced them.
std::string MailCommand(const std::string& sender, const Extensions& ext, const MessageFacts& facts,
                        const SessionConfig& config) {
  std::string mail = "MAIL FROM:<" + sender + ">";
  if (ext.size) mail += " SIZE=" + std::to_string(facts.crlf_size);
  if (ext.eight_bit_mime && facts.eight_bit) mail += " BODY=8BITMIME";
  // Only when the message needs it (RFC 6531 3.4: SHOULD NOT otherwise: a
  // next hop without SMTPUTF8 would then have to bounce a plain message).
  if (ext.smtputf8 && facts.smtputf8) mail += " SMTPUTF8";
  if (ext.dsn && !config.mail_dsn.empty()) mail += " " + config.mail_dsn;
  return mail + "\r\n";
}

}  // namespace

SmtpSession::Io SmtpSession::SendEnvelope(const std::string& mail, const std::vector<std::string>& recipients,
                                          bool pipelining, EnvelopeReplies* out, const char** when) {
  std::vector<std::string> rcpt_commands;
  for (size_t i = 0; i < recipients.size(); ++i) {
    std::string params = dsn_ && i < rcpt_dsn_.size() && !rcpt_dsn_[i].empty() ? " " + rcpt_dsn_[i] : std::string();
    rcpt_commands.push_back("RCPT TO:<" + recipients[i] + ">" + params + "\r\n");
  }
  out->rcpt.assign(recipients.size(), Reply());
  Io io;
  if (pipelining) {
    std::string batch = mail;
    for (const std::string& c : rcpt_commands) batch += c;
    batch += "DATA\r\n";
    out->data_sent = true;
    *when = "while sending the envelope";
    if ((io = Send(batch)) != Io::kOk) return io;
    *when = "after MAIL FROM";
    if ((io = ReadReply(&out->mail)) != Io::kOk) return io;
    *when = "after RCPT TO";
    for (Reply& r : out->rcpt) {
      if ((io = ReadReply(&r)) != Io::kOk) return io;
    }
    *when = "after DATA";
    return ReadReply(&out->data);
  }
  *when = "after MAIL FROM";
  if ((io = Send(mail)) != Io::kOk || (io = ReadReply(&out->mail)) != Io::kOk) return io;
  if (!out->mail.Positive()) return Io::kOk;
  bool any = false;
  *when = "after RCPT TO";
  for (size_t i = 0; i < recipients.size(); ++i) {
    if ((io = Send(rcpt_commands[i])) != Io::kOk || (io = ReadReply(&out->rcpt[i])) != Io::kOk) return io;
    any |= out->rcpt[i].Positive();
  }
  if (!any) return Io::kOk;
  out->data_sent = true;
  *when = "after DATA";
  if ((io = Send("DATA\r\n")) != Io::kOk) return io;
  return ReadReply(&out->data);
}

void SmtpSession::AbandonData(const EnvelopeReplies& replies) {
  if (replies.data_sent && replies.data.code == 354) {
    Reply ignored;
    if (Send(".\r\n") == Io::kOk) ReadReply(&ignored);
  }
}

void SmtpSession::Transmit(StoredMessage& message, const std::vector<size_t>& accepted, Report* report) {
  auto set_accepted = [&](Outcome outcome, const std::string& text) {
    for (size_t i : accepted) report->SetRecipient(i, outcome, text);
    report->SetMessageText(text);
  };
  Reply final_reply;
  bool read_failed = false;
  Io io = SendMessage(message, &final_reply, &read_failed);
  if (read_failed) {
    set_accepted(Outcome::kTemporary, "Unable to read the message from the queue.");
    return;  // close without the final dot: the server must discard it
  }
  if (io != Io::kOk) {
    set_accepted(Outcome::kTemporary, Describe(io, "during DATA (the message may be delivered twice)"));
    return;
  }
  if (final_reply.Positive()) {
    // kDsnPassedOn tells send that the next hop took the DSN request, so
    // it sends no "relayed" notice itself (remote/REPORT.md).
    std::string text = peer_ + " accepted the message: " + final_reply.Joined();
    if (dsn_) text += kDsnPassedOnMark;
    set_accepted(Outcome::kAccepted, text);
    report->SetMessageAccepted(true);
  } else {
    set_accepted(OutcomeOf(final_reply), Said(final_reply, "end of DATA"));
  }
  Quit();
}

AttemptResult SmtpSession::Run(const std::string& sender, const std::vector<std::string>& recipients,
                               StoredMessage& message, Report* report) {
  Extensions ext;
  AttemptResult result = Greet(&ext);
  if (result.kind == AttemptResult::kNextHost) return result;
  const MessageFacts& facts = message.facts();

  if (ext.size_limit > 0 && facts.crlf_size > ext.size_limit) {
    report->SetAll(Outcome::kPermanent, "The message (" + std::to_string(facts.crlf_size) +
                                            " bytes) is larger than " + peer_ + " accepts (" +
                                            std::to_string(ext.size_limit) + " bytes).");
    report->SetMessageText(peer_ + " refuses messages of this size.");
    Quit();
    return result;
  }

  // SMTPUTF8 (RFC 6531 3.2): a server that does not offer it gets no
  // UTF-8 local part.  Such a recipient (all of them, for such a sender)
  // bounces with 5.6.7; a non-ASCII domain alone goes as A-labels.
  std::string wire_sender = sender;
  std::vector<std::string> wire;
  std::vector<size_t> wire_index;
  bool downgrade = facts.smtputf8 && !ext.smtputf8;
  const std::string refusal = peer_ + " does not support SMTPUTF8, and the address has a non-ASCII local part. (#5.6.7)";
  if (downgrade && LocalPartNeedsUtf8(sender)) {
    report->SetAll(Outcome::kPermanent, peer_ + " does not support SMTPUTF8, and the sender address has a non-ASCII local part. (#5.6.7)");
    report->SetMessageText(peer_ + " does not support SMTPUTF8.");
    Quit();
    return result;
  }
  if (downgrade) wire_sender = AddressWithAsciiDomain(sender);
  for (size_t i = 0; i < recipients.size(); ++i) {
    if (downgrade && LocalPartNeedsUtf8(recipients[i])) {
      report->SetRecipient(i, Outcome::kPermanent, refusal);
      continue;
    }
    wire.push_back(downgrade ? AddressWithAsciiDomain(recipients[i]) : recipients[i]);
    wire_index.push_back(i);
  }
  if (wire.empty()) {
    report->SetMessageText(peer_ + " does not support SMTPUTF8.");
    Quit();
    return result;
  }
  // Each recipient's DSN parameters, in the order of the RCPTs sent.
  rcpt_dsn_.clear();
  for (size_t i : wire_index) rcpt_dsn_.push_back(i < config_.rcpt_dsn.size() ? config_.rcpt_dsn[i] : std::string());
  if (wire.size() == recipients.size()) {
    Transaction(wire_sender, wire, ext, message, report);
    return result;
  }
  Report sub(wire.size());
  Transaction(wire_sender, wire, ext, message, &sub);
  for (size_t k = 0; k < wire.size(); ++k)
    report->SetRecipient(wire_index[k], sub.recipient(k).outcome, sub.recipient(k).text);
  report->SetMessageText(sub.message_text());
  report->SetMessageAccepted(sub.MessageLetter() == 'K');
  return result;
}

void SmtpSession::Transaction(const std::string& sender, const std::vector<std::string>& recipients,
                              const Extensions& ext, StoredMessage& message, Report* report) {
  const MessageFacts& facts = message.facts();
  EnvelopeReplies replies;
  const char* when = "";
  dsn_ = ext.dsn;
  if (Io io = SendEnvelope(MailCommand(sender, ext, facts, config_), recipients, ext.pipelining, &replies, &when);
      io != Io::kOk) {
    report->SetAll(Outcome::kTemporary, Describe(io, when));
    report->SetMessageText(Describe(io, when));
    return;
  }
  if (!replies.mail.Positive()) {
    report->SetAll(OutcomeOf(replies.mail), Said(replies.mail, "MAIL FROM"));
    report->SetMessageText(Said(replies.mail, "MAIL FROM"));
    AbandonData(replies);
    Quit();
    return;
  }
  std::vector<size_t> accepted;
  for (size_t i = 0; i < recipients.size(); ++i) {
    const Reply& r = replies.rcpt[i];
    if (r.Positive()) {
      accepted.push_back(i);
    } else {
      report->SetRecipient(i, OutcomeOf(r), Said(r, "RCPT TO"));
    }
  }
  if (accepted.empty()) {
    report->SetMessageText(peer_ + " accepted none of the recipients.");
    AbandonData(replies);
    Quit();
    return;
  }
  if (replies.data.code != 354) {
    std::string text = Said(replies.data, "DATA");
    Outcome outcome = replies.data.Permanent() ? Outcome::kPermanent : Outcome::kTemporary;
    for (size_t i : accepted) report->SetRecipient(i, outcome, text);
    report->SetMessageText(text);
    Quit();
    return;
  }
  Transmit(message, accepted, report);
}

}  // namespace ms::remote
