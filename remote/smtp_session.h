// One SMTP client dialogue with one connected server (RFC 5321, 2920
// PIPELINING, 1870 SIZE, 6152 8BITMIME).  The protocol, the order of
// commands and how each reply maps to a recipient's result are written
// down in REPORT.md.
#ifndef MAILSUITE_REMOTE_SMTP_SESSION_H_
#define MAILSUITE_REMOTE_SMTP_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "byte_stream.h"
#include "remote/reply.h"
#include "remote/report.h"
#include "remote/stored_message.h"
#include "tls.h"

namespace ms::remote {

struct Extensions {
  bool pipelining = false;
  bool size = false;
  uint64_t size_limit = 0;  // 0: none announced
  bool eight_bit_mime = false;
  bool starttls = false;
  bool smtputf8 = false;  // RFC 6531
  bool dsn = false;  // RFC 3461
};

// The keywords of an EHLO reply (its lines after the first).
Extensions ParseEhloReply(const Reply& reply);

// STARTTLS (TLS.md): used whenever the server offers it; for a domain in
// control/tlsdestinations the server must offer it and its certificate
// must verify for the host name, or the attempt is deferred.
struct TlsPolicy {
  bool enabled = true;
  bool require_verified = false;
  std::string ciphers;  // control/tlsclientciphers
  std::string ca_file;  // empty: the system CA store
};

struct SessionConfig {
  std::string helohost;
  int timeout_remote_s = 1200;
  TlsPolicy tls{};
  // DSN parameters (dsn_source.h), sent only to a server that offers DSN:
  // on MAIL, and per recipient (in the order of Run's recipients) on RCPT.
  std::string mail_dsn{};
  std::vector<std::string> rcpt_dsn{};
};

// What one connection achieved.  kNextHost: the server never got as far as
// taking the envelope (greeting or HELO failed, connection lost early);
// the caller tries the next address.  kDone: the report holds the final
// result for every recipient.
struct AttemptResult {
  enum Kind { kNextHost, kDone } kind = kNextHost;
  bool permanent = false;   // kNextHost: a 5xx greeting/HELO
  std::string reason;       // kNextHost: text for the report if no host works
};

class SmtpSession {
 public:
  // peer: "host[ip]", used in every text.
  SmtpSession(ByteStream& transport, std::string peer, const SessionConfig& config);
  AttemptResult Run(const std::string& sender, const std::vector<std::string>& recipients,
                    StoredMessage& message, Report* report);
  // The socket under transport and the server's host name: without them
  // there is no STARTTLS.
  void set_tls_peer(int fd, std::string host) {
    tls_fd_ = fd;
    tls_host_ = std::move(host);
  }
  // For the log: "none", "refused", or "TLSv1.3 TLS_AES_256_GCM_SHA384 verified|unverified".
  const std::string& tls_result() const { return tls_result_; }

 private:
  enum class Io { kOk, kTimeout, kClosed, kError, kMalformed };
  Io ReadReply(Reply* reply);
  Io Send(std::string_view data);
  std::string Describe(Io io, const char* when) const;
  std::string Said(const Reply& reply, const char* command) const;
  AttemptResult Greet(Extensions* extensions);
  // EHLO (HELO when refused); the extensions of a positive EHLO reply.
  AttemptResult Hello(Extensions* extensions);
  // STARTTLS and the second EHLO; false with *next filled when this
  // connection cannot be used.
  bool StartTls(Extensions* extensions, AttemptResult* next);
  // Sends the message (after 354) and reads the final reply.
  Io SendMessage(StoredMessage& message, Reply* reply, bool* read_failed);
  // Replies for MAIL, each RCPT and DATA.  Without PIPELINING we stop
  // asking once MAIL fails or no recipient is left.
  struct EnvelopeReplies {
    Reply mail, data;
    std::vector<Reply> rcpt;
    bool data_sent = false;
  };
  // Sends the envelope and DATA; on a failure *when says after what.
  Io SendEnvelope(const std::string& mail, const std::vector<std::string>& recipients, bool pipelining,
                  EnvelopeReplies* out, const char** when);
  // A pipelining server may say 354 although nothing is acceptable; it
  // then gets an empty message, which it must refuse (RFC 2920 section 3.1).
  void AbandonData(const EnvelopeReplies& replies);
  // After 354: the message, the final reply reported for the accepted
  // recipients, QUIT.
  void Transmit(StoredMessage& message, const std::vector<size_t>& accepted, Report* report);
  // MAIL, RCPT, DATA and the message for recipients that can go on this
  // connection as they are written (Run has applied SMTPUTF8's rules).
  void Transaction(const std::string& sender, const std::vector<std::string>& recipients,
                   const Extensions& ext, StoredMessage& message, Report* report);
  void Quit();

  ByteStream* transport_;
  std::unique_ptr<TlsStream> tls_stream_;
  int tls_fd_ = -1;
  std::string tls_host_;
  std::string tls_result_ = "none";
  std::string peer_;
  const SessionConfig& config_;
  bool dsn_ = false;  // the server offered DSN (RCPT parameters go out)
  std::vector<std::string> rcpt_dsn_;  // this transaction's RCPT parameters, one per RCPT sent
  ReplyParser parser_;
};

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_SMTP_SESSION_H_
