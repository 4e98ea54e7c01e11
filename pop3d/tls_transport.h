// STLS (RFC 2595) for the pre-login role.  After STLS the connection is
// TLS, but the post-login role, exec'd by checkpassword, cannot inherit an
// OpenSSL session.  So the pre-login process stays as a TLS proxy: the
// checker (and then the post-login role) gets one end of a socketpair as
// fds 0 and 1, and RelayUntilExit copies plaintext between that and the
// TLS connection until the post-login process is gone (PROTOCOL.md).
#ifndef MAILSUITE_POP3D_TLS_TRANSPORT_H_
#define MAILSUITE_POP3D_TLS_TRANSPORT_H_

#include <memory>

#include "tls.h"
#include "transport.h"

namespace ms::pop3d {

class TlsTransport : public Transport {
 public:
  explicit TlsTransport(std::unique_ptr<TlsStream> stream) : stream_(std::move(stream)) {}
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override;
  // Byte by byte out of OpenSSL's buffer (no system call per byte): what
  // the client pipelined after PASS stays for the post-login process.
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override;
  bool Write(std::string_view data, const Deadline& deadline) override;
  TlsStream& stream() { return *stream_; }

 private:
  std::unique_ptr<TlsStream> stream_;
};

// A Transport whose inner transport STLS replaces mid-session.
class SwitchableTransport : public Transport {
 public:
  explicit SwitchableTransport(Transport* inner) : inner_(inner) {}
  void set_inner(Transport* inner) { inner_ = inner; }
  ssize_t Read(char* buf, size_t len, const Deadline& deadline) override {
    return inner_->Read(buf, len, deadline);
  }
  ssize_t ReadThroughNewline(char* buf, size_t len, const Deadline& deadline) override {
    return inner_->ReadThroughNewline(buf, len, deadline);
  }
  bool Write(std::string_view data, const Deadline& deadline) override {
    return inner_->Write(data, deadline);
  }

 private:
  Transport* inner_;
};

// Copies between the TLS client and `local` (the socketpair end of the
// checker/post-login process) until local reaches end of file.  Nothing
// is read from the client before the child has written something: a
// checker that rejects the login exits silently, and the client's
// pipelined commands must then stay for the pre-login session.
void RelayUntilExit(TlsStream& client, int local);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_TLS_TRANSPORT_H_
