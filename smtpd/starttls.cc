#include "smtpd/starttls.h"

#include "log.h"

namespace ms::smtpd {

void StartTls::AddEhloKeywords(const Session& session, std::vector<std::string>* keywords) {
  if (offered_ && !active()) keywords->push_back("STARTTLS");
}

std::string StartTls::Description() const {
  if (!active()) return "";
  return stream_->version() + " " + stream_->cipher();
}

bool StartTls::Handle(const Command& command, Session& session) {
  if (command.verb != Verb::kStartTls) return false;
  if (!offered_) return false;  // the session's 502, as for any unknown command
  if (active()) {
    session.Reply("503 5.5.1 TLS already active");
    return true;
  }
  if (!command.arg.empty()) {
    session.Reply("501 5.5.4 syntax: STARTTLS");
    return true;
  }
  auto ctx = ServerContextFromControl(control_);
  if (!ctx) {
    LogLine("tls").Add("ip", session.config().remote_ip).Add("result", "unavailable")
        .Add("error", ctx.error().message).Emit();
    session.Reply("454 4.7.0 TLS not available due to temporary reason");
    return true;
  }
  auto stream = TlsStream::Create(ctx->get(), in_fd_, out_fd_);
  if (!stream) {
    session.Reply("454 4.7.0 TLS not available due to temporary reason");
    return true;
  }
  session.Reply("220 2.0.0 ready to start TLS");
  // Whatever the client sent after STARTTLS was sent in plaintext: it is
  // dropped here, never read as if it came through TLS.
  session.input().Discard();
  if (!session.Flush()) {
    session.End("write error");
    return true;
  }
  Deadline deadline = Deadline::AfterSeconds(session.config().timeout_seconds);
  Status handshake = (*stream)->Accept(deadline);
  if (!handshake) {
    LogLine("tls").Add("ip", session.config().remote_ip).Add("result", "failed")
        .Add("error", handshake.error().message).Emit();
    session.End("tls handshake failed");
    return true;
  }
  stream_ = std::move(*stream);
  session.set_transport(stream_.get());
  session.ResetAfterTls();
  session.set_authenticated(false);
  session.set_protocol(ReceivedProtocol(Description(), false));
  LogLine("tls").Add("ip", session.config().remote_ip).Add("result", "ok")
      .Add("version", stream_->version())
      .Add("cipher", stream_->cipher()).Emit();
  return true;
}

std::string ReceivedProtocol(const std::string& tls, bool authenticated) {
  std::string p = "ESMTP";
  if (!tls.empty()) p += "S";
  if (authenticated) p += "A";
  if (!tls.empty()) p += " (" + tls + ")";
  return p;
}

}  // namespace ms::smtpd
