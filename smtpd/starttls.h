// STARTTLS (RFC 3207) as a session Extension: offered in EHLO only when
// control/servercert.pem exists and TLS is not yet on.  The context is
// built only when a client asks, so sessions that never use TLS pay
// nothing for it.  After the handshake the session drops every byte the
// client pipelined behind STARTTLS (CVE-2011-0411) and all HELO and
// transaction state; the Received: line then names the TLS version and
// cipher.  A failed handshake ends the session: the stream's state is
// unknown, so no plaintext reply may follow.
#ifndef MAILSUITE_SMTPD_STARTTLS_H_
#define MAILSUITE_SMTPD_STARTTLS_H_

#include <memory>
#include <string>

#include "smtpd/session.h"
#include "tls.h"

namespace ms::smtpd {

class StartTls : public Extension {
 public:
  // The control directory; fds of the client connection.
  StartTls(const Control& control, int in_fd, int out_fd)
      : control_(control), in_fd_(in_fd), out_fd_(out_fd),
        offered_(ServerCertExists(control)) {}

  void AddEhloKeywords(const Session& session, std::vector<std::string>* keywords) override;
  bool Handle(const Command& command, Session& session) override;

  bool active() const { return stream_ != nullptr; }
  // "TLSv1.3 TLS_AES_256_GCM_SHA384", empty before TLS.
  std::string Description() const;

 private:
  const Control& control_;
  int in_fd_;
  int out_fd_;
  bool offered_;
  std::unique_ptr<TlsStream> stream_;
};

// The Received: protocol of RFC 3848 (ESMTP, ESMTPS, ESMTPA, ESMTPSA),
// with the TLS version and cipher as a comment when TLS is on.
std::string ReceivedProtocol(const std::string& tls, bool authenticated);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_STARTTLS_H_
