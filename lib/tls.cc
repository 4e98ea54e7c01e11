#include "tls.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "server_cert.h"

namespace ms {

namespace {

constexpr long kCommonOptions = SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_IGNORE_UNEXPECTED_EOF;

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && (flags & O_NONBLOCK || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
}

// what, then OpenSSL's reasons.
Error TlsError(const std::string& what) {
  std::string reasons = TakeTlsErrors("");
  return MakeError(reasons.empty() ? what : what + ": " + reasons);
}

Result<SslCtxPtr> NewContext(const SSL_METHOD* method, const std::string& ciphers) {
  // Every TLS session is a fresh process, so start-up and exit costs are
  // paid per connection: no openssl.cnf (our control files configure
  // TLS), and no freeing of OpenSSL's tables at exit.
  OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, nullptr);
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) return TlsError("SSL_CTX_new failed");
  SSL_CTX_set_options(ctx.get(), kCommonOptions);
  if (!SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION))
    return TlsError("cannot require TLS 1.2");
  if (!ciphers.empty() && !SSL_CTX_set_cipher_list(ctx.get(), ciphers.c_str()))
    return TlsError("no usable cipher in the cipher list");
  return ctx;
}

}  // namespace

std::string TakeTlsErrors(std::string_view fallback) {
  std::string out;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? std::string(fallback) : out;
}

Result<SslCtxPtr> MakeServerContext(const std::string& pem_path, const std::string& ciphers) {
  auto ctx = NewContext(TLS_server_method(), ciphers);
  if (!ctx) return ctx;
  SSL_CTX* c = ctx->get();
  if (SSL_CTX_use_certificate_chain_file(c, pem_path.c_str()) != 1)
    return TlsError("cannot load the certificate from " + pem_path);
  if (SSL_CTX_use_PrivateKey_file(c, pem_path.c_str(), SSL_FILETYPE_PEM) != 1)
    return TlsError("cannot load the private key from " + pem_path);
  if (SSL_CTX_check_private_key(c) != 1)
    return TlsError("the key in " + pem_path + " does not match its certificate");
  SSL_CTX_set_options(c, SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  // One TLS 1.3 ticket although it can never be used (each process has
  // its own ticket key): without any server record after the client's
  // Finished, a client with Nagle's algorithm holds its first command
  // until our delayed ACK, 40 ms per session.
  SSL_CTX_set_num_tickets(c, 1);
  return ctx;
}

Result<SslCtxPtr> MakeServerContextFromPem(std::string_view pem, const std::string& ciphers) {
  auto ctx = NewContext(TLS_server_method(), ciphers);
  if (!ctx) return ctx;
  SSL_CTX* c = ctx->get();
  struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
  };
  auto bio = [&pem] {
    return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  };
  // As SSL_CTX_use_certificate_chain_file: the first certificate is ours,
  // the rest its chain.
  auto certs = bio();
  X509* leaf = certs ? PEM_read_bio_X509_AUX(certs.get(), nullptr, nullptr, nullptr) : nullptr;
  if (leaf == nullptr) return TlsError("cannot load the certificate from the preloaded servercert.pem");
  int used = SSL_CTX_use_certificate(c, leaf);
  X509_free(leaf);
  if (used != 1) return TlsError("cannot use the preloaded certificate");
  while (X509* ca = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(c, ca) != 1) {
      X509_free(ca);
      return TlsError("cannot add a chain certificate");
    }
  }
  ERR_clear_error();  // the end of the PEM text
  auto keys = bio();
  EVP_PKEY* key = keys ? PEM_read_bio_PrivateKey(keys.get(), nullptr, nullptr, nullptr) : nullptr;
  if (key == nullptr) return TlsError("cannot load the private key from the preloaded servercert.pem");
  used = SSL_CTX_use_PrivateKey(c, key);
  EVP_PKEY_free(key);
  if (used != 1 || SSL_CTX_check_private_key(c) != 1)
    return TlsError("the preloaded key does not match its certificate");
  SSL_CTX_set_options(c, SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 1);  // as MakeServerContext
  return ctx;
}

Result<SslCtxPtr> MakeClientContext(const ClientTlsOptions& options) {
  auto ctx = NewContext(TLS_client_method(), options.ciphers);
  if (!ctx) return ctx;
  SSL_CTX* c = ctx->get();
  // Load trust anchors even when not verifying: the log then tells
  // whether the peer's certificate would have verified.
  int loaded = options.ca_file.empty() ? SSL_CTX_set_default_verify_paths(c)
                                       : SSL_CTX_load_verify_locations(c, options.ca_file.c_str(), nullptr);
  if (loaded != 1) {
    if (options.verify || !options.ca_file.empty())
      return TlsError("cannot load CA certificates");
    ERR_clear_error();
  }
  SSL_CTX_set_verify(c, options.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  return ctx;
}

std::string ServerCertPath(const Control& control) { return control.PathOf("servercert.pem"); }

bool ServerCertExists(const Control& control) {
  return PreloadedServerCert() != nullptr || control.Exists("servercert.pem");
}

Result<SslCtxPtr> ServerContextFromControl(const Control& control) {
  auto ciphers = control.Line("tlsserverciphers", "");
  if (!ciphers) return ciphers.error();
  if (const std::string* pem = PreloadedServerCert()) return MakeServerContextFromPem(*pem, *ciphers);
  return MakeServerContext(ServerCertPath(control), *ciphers);
}

Result<SslCtxPtr> ClientContextFromControl(const Control& control, bool verify,
                                           const std::string& ca_file) {
  auto ciphers = control.Line("tlsclientciphers", "");
  if (!ciphers) return ciphers.error();
  return MakeClientContext({*ciphers, verify, ca_file});
}

Result<std::unique_ptr<TlsStream>> TlsStream::Create(SSL_CTX* ctx, int read_fd, int write_fd) {
  // OpenSSL writes a handshake flight as several small writes: with
  // Nagle's algorithm the later ones wait for the peer's delayed ACK
  // (40 ms per handshake).  Not a TCP socket: nothing to do.
  int one = 1;
  setsockopt(write_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!SetNonBlocking(read_fd) || !SetNonBlocking(write_fd))
    return MakeError(std::string("cannot make the connection non-blocking: ") + strerror(errno));
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) return TlsError("SSL_new failed");
  if (SSL_set_rfd(ssl.get(), read_fd) != 1 || SSL_set_wfd(ssl.get(), write_fd) != 1)
    return TlsError("cannot attach the connection");
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(ssl), read_fd, write_fd));
}

bool TlsStream::WaitAfter(int ret, const Deadline& deadline, bool* timed_out) {
  *timed_out = false;
  int e = SSL_get_error(ssl_.get(), ret);
  WaitResult w;
  if (e == SSL_ERROR_WANT_READ) {
    w = WaitReadable(read_fd_, deadline);
  } else if (e == SSL_ERROR_WANT_WRITE) {
    w = WaitWritable(write_fd_, deadline);
  } else if (e == SSL_ERROR_SYSCALL && (errno == EINTR)) {
    return true;
  } else {
    if (e == SSL_ERROR_SYSCALL)
      last_error_ = TakeTlsErrors(errno ? std::string("connection: ") + strerror(errno)
                                        : std::string("connection closed"));
    else
      last_error_ = TakeTlsErrors(e == SSL_ERROR_ZERO_RETURN ? "closed by peer" : "TLS error");
    return false;
  }
  if (w == WaitResult::kReady) return true;
  *timed_out = w == WaitResult::kTimeout;
  last_error_ = *timed_out ? "timeout" : "poll failed";
  return false;
}

Status TlsStream::Handshake(bool server, const Deadline& deadline) {
  for (;;) {
    ERR_clear_error();
    errno = 0;
    int r = server ? SSL_accept(ssl_.get()) : SSL_connect(ssl_.get());
    if (r == 1) return Ok{};
    bool timed_out;
    if (!WaitAfter(r, deadline, &timed_out)) {
      if (!server && SSL_get_verify_result(ssl_.get()) != X509_V_OK)
        last_error_ = "certificate verification failed: " + verify_error();
      return MakeError("TLS handshake: " + last_error_);
    }
  }
}

Status TlsStream::Accept(const Deadline& deadline) { return Handshake(true, deadline); }

Status TlsStream::Connect(std::string_view host, const Deadline& deadline) {
  std::string h(host);
  if (h.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos &&
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), h.c_str()) == 1) {
    // An address (an smtproutes literal): checked against IP names, no SNI
    // (RFC 6066 3).
  } else if (!h.empty()) {
    SSL_set_tlsext_host_name(ssl_.get(), h.c_str());
    SSL_set_hostflags(ssl_.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl_.get(), h.c_str()) != 1) return TlsError("bad host name");
  }
  return Handshake(false, deadline);
}

ssize_t TlsStream::Read(char* buf, size_t len, const Deadline& deadline) {
  for (;;) {
    ERR_clear_error();
    errno = 0;
    size_t got = 0;
    int r = SSL_read_ex(ssl_.get(), buf, len, &got);
    if (r == 1) return static_cast<ssize_t>(got);
    if (SSL_get_error(ssl_.get(), r) == SSL_ERROR_ZERO_RETURN) return 0;
    bool timed_out;
    if (!WaitAfter(r, deadline, &timed_out)) {
      if (timed_out) return kStreamTimeout;
      // With SSL_OP_IGNORE_UNEXPECTED_EOF a TCP close without
      // close_notify is an end of stream, as for a plain socket.
      return last_error_ == "connection closed" ? 0 : kStreamError;
    }
  }
}

ssize_t TlsStream::ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) {
  size_t n = 0;
  while (n < len) {
    ssize_t r = Read(buf + n, 1, deadline);
    if (r <= 0) return n > 0 ? static_cast<ssize_t>(n) : r;
    if (buf[n++] == '\n') break;
  }
  return static_cast<ssize_t>(n);
}

bool TlsStream::Write(std::string_view data, const Deadline& deadline, bool* timed_out) {
  bool waited_out = false;
  if (!timed_out) timed_out = &waited_out;
  *timed_out = false;
  while (!data.empty()) {
    ERR_clear_error();
    errno = 0;
    size_t put = 0;
    int r = SSL_write_ex(ssl_.get(), data.data(), data.size(), &put);
    if (r == 1) {
      data.remove_prefix(put);
      continue;
    }
    if (!WaitAfter(r, deadline, timed_out)) return false;
  }
  return true;
}

void TlsStream::Shutdown(const Deadline& deadline) {
  for (int i = 0; i < 4; ++i) {
    ERR_clear_error();
    int r = SSL_shutdown(ssl_.get());
    if (r != -1) return;  // close_notify sent (we do not wait for the peer's)
    bool timed_out;
    if (!WaitAfter(r, deadline, &timed_out)) return;
  }
}

std::string TlsStream::version() const { return SSL_get_version(ssl_.get()); }

std::string TlsStream::cipher() const {
  const char* name = SSL_get_cipher_name(ssl_.get());
  return name ? name : "";
}

bool TlsStream::peer_verified() const {
  X509* cert = SSL_get0_peer_certificate(ssl_.get());
  return cert != nullptr && SSL_get_verify_result(ssl_.get()) == X509_V_OK;
}

std::string TlsStream::verify_error() const {
  if (SSL_get0_peer_certificate(ssl_.get()) == nullptr && SSL_is_init_finished(ssl_.get()))
    return "no certificate";
  return X509_verify_cert_error_string(SSL_get_verify_result(ssl_.get()));
}

}  // namespace ms
