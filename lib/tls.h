// TLS over OpenSSL 3 for smtpd, pop3d and remote: contexts built from
// the control files (servercert.pem, tlsserverciphers, tlsclientciphers)
// and a small blocking stream over one or two fds with deadlines.
//
// The fds are switched to non-blocking mode so that no OpenSSL call can
// block past a deadline: every SSL_ERROR_WANT_READ/WRITE becomes a poll(2)
// bounded by the caller's Deadline.  No OpenSSL callback is installed, so
// no exception can cross into OpenSSL.  Nothing here throws.
#ifndef MAILSUITE_LIB_TLS_H_
#define MAILSUITE_LIB_TLS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "byte_stream.h"
#include "control.h"
#include "deadline.h"
#include "result.h"

namespace ms {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

// The OpenSSL error queue as one line (and emptied), or `fallback`.
std::string TakeTlsErrors(std::string_view fallback);

// A server context: certificate chain and private key from one PEM file,
// TLS 1.2 and later, `ciphers` (an OpenSSL cipher list for TLS 1.2;
// empty: OpenSSL's default).  No session cache: every connection is its
// own process, so it could never be reused.
Result<SslCtxPtr> MakeServerContext(const std::string& pem_path, const std::string& ciphers);

// The same from PEM text in memory (servercert.pem loaded by root before
// the process became its session user: lib/server_cert.h).
Result<SslCtxPtr> MakeServerContextFromPem(std::string_view pem, const std::string& ciphers);

struct ClientTlsOptions {
  std::string ciphers;     // empty: OpenSSL's default
  bool verify = false;     // fail the handshake unless the chain and host name verify
  std::string ca_file;     // empty: the system CA store
};
Result<SslCtxPtr> MakeClientContext(const ClientTlsOptions& options);

// control/servercert.pem, and whether it exists or was preloaded
// (STARTTLS/STLS is offered only then; the context itself is built only
// when a client asks, from the preloaded text when there is one).
std::string ServerCertPath(const Control& control);
bool ServerCertExists(const Control& control);
// MakeServerContext from servercert.pem and tlsserverciphers.
Result<SslCtxPtr> ServerContextFromControl(const Control& control);
// MakeClientContext with tlsclientciphers.
Result<SslCtxPtr> ClientContextFromControl(const Control& control, bool verify,
                                           const std::string& ca_file);

// The TLS ByteStream.
class TlsStream : public ByteStream {
 public:
  // Reads from read_fd, writes to write_fd (the same socket, or tcpserver's
  // fd 0 and fd 1).  Both are made non-blocking.
  static Result<std::unique_ptr<TlsStream>> Create(SSL_CTX* ctx, int read_fd, int write_fd);

  // The server side of the handshake.
  Status Accept(const Deadline& deadline);
  // The client side; `host` is sent as SNI and, when the context verifies,
  // checked against the certificate.
  Status Connect(std::string_view host, const Deadline& deadline);

  // >0 bytes, 0 end of stream, kStreamError, kStreamTimeout.
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override;
  // Byte by byte out of OpenSSL's buffer (no system call per byte).
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override;
  // Writes everything: false on error or timeout.
  bool Write(std::string_view data, const Deadline& deadline, bool* timed_out = nullptr) override;
  // Whether decrypted bytes wait inside OpenSSL (poll(2) on the fd cannot
  // tell).
  bool HasPending() const { return SSL_pending(ssl_.get()) > 0; }
  int read_fd() const { return read_fd_; }
  // Sends close_notify, without waiting for the peer's.
  void Shutdown(const Deadline& deadline);

  std::string version() const;  // "TLSv1.3"
  std::string cipher() const;   // "TLS_AES_256_GCM_SHA384"
  // Whether the peer's chain verified (also when the context did not
  // require it), and why not.
  bool peer_verified() const;
  std::string verify_error() const;
  const std::string& last_error() const { return last_error_; }

 private:
  TlsStream(SslPtr ssl, int read_fd, int write_fd)
      : ssl_(std::move(ssl)), read_fd_(read_fd), write_fd_(write_fd) {}
  // Waits as SSL_get_error asks after a call returned `ret`: true to retry.
  bool WaitAfter(int ret, const Deadline& deadline, bool* timed_out);
  Status Handshake(bool server, const Deadline& deadline);

  SslPtr ssl_;
  int read_fd_;
  int write_fd_;
  std::string last_error_;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_TLS_H_
