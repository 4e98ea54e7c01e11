#include "smtpd/starttls.h"

#include <sys/stat.h>

#include <tuple>

#include "log.h"
#include "server_cert.h"

namespace ms::smtpd {

namespace {

// The files a context is built from, as far as a change matters: a
// pooled session worker (tcpserver/SMTPD_WORKERS.md) builds its context
// once and rebuilds it only when one of them changed.  The preloaded
// text (lib/server_cert.h) never changes in a process.
using ContextSource = std::tuple<std::string, ino_t, time_t, long, off_t, ino_t, time_t, long, off_t>;

ContextSource SourceOf(const Control& control) {
  struct stat cert{}, ciphers{};
  if (PreloadedServerCert() != nullptr || ::stat(ServerCertPath(control).c_str(), &cert) != 0) cert = {};
  if (::stat(control.PathOf("tlsserverciphers").c_str(), &ciphers) != 0) ciphers = {};
  return {control.PathOf("servercert.pem"), cert.st_ino, cert.st_mtim.tv_sec, cert.st_mtim.tv_nsec,
          cert.st_size, ciphers.st_ino, ciphers.st_mtim.tv_sec, ciphers.st_mtim.tv_nsec, ciphers.st_size};
}

// The process's server context: the certificate, key and session-ticket
// keys are loaded once per process, not once per handshake.
Result<SSL_CTX*> CachedServerContext(const Control& control) {
  static SslCtxPtr* context = nullptr;  // lives as long as the process
  static ContextSource built_from;
  ContextSource source = SourceOf(control);
  if (context != nullptr && source == built_from) return context->get();
  auto made = ServerContextFromControl(control);
  if (!made) return made.error();
  if (context == nullptr) context = new SslCtxPtr;
  *context = std::move(*made);  // a TlsStream in use holds its own reference (SSL_new)
  built_from = std::move(source);
  return context->get();
}

}  // namespace

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
  auto ctx = CachedServerContext(control_);
  if (!ctx) {
    LogLine("tls").Add("ip", session.config().remote_ip).Add("result", "unavailable")
        .Add("error", ctx.error().message).Emit();
    session.Reply("454 4.7.0 TLS not available due to temporary reason");
    return true;
  }
  auto stream = TlsStream::Create(*ctx, in_fd_, out_fd_);
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
