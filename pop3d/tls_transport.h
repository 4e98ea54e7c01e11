// STLS (RFC 2595) for the pre-login role.  After STLS the connection is
// TLS, but the post-login role, exec'd by checkpassword, cannot inherit an
// OpenSSL session.  So the pre-login process stays as a TLS proxy: the
// checker (and then the post-login role) gets one end of a socketpair as
// fds 0 and 1, and RelayUntilExit copies plaintext between that and the
// TLS connection until the post-login process is gone (PROTOCOL.md).
// Before that, the pre-login session reads the TLS connection as a
// ByteStream (lib/tls.h) through a SwitchableStream (lib/byte_stream.h).
#ifndef MAILSUITE_POP3D_TLS_TRANSPORT_H_
#define MAILSUITE_POP3D_TLS_TRANSPORT_H_

#include <memory>

#include "tls.h"

namespace ms::pop3d {

// Copies between the TLS client and `local` (the socketpair end of the
// checker/post-login process) until local reaches end of file.  Nothing
// is read from the client before the child has written something: a
// checker that rejects the login exits silently, and the client's
// pipelined commands must then stay for the pre-login session.
void RelayUntilExit(TlsStream& client, int local);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_TLS_TRANSPORT_H_
