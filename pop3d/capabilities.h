// The CAPA response (RFC 2449 section 5).
#ifndef MAILSUITE_POP3D_CAPABILITIES_H_
#define MAILSUITE_POP3D_CAPABILITIES_H_

#include <string>

namespace ms::pop3d {

struct CapabilityOptions {
  bool before_login = true;  // USER is offered only before login
  bool stls = false;         // STLS offered (a certificate exists, TLS not on yet)
};

// The whole multi-line response, "+OK" line to ".".
std::string CapabilityResponse(const CapabilityOptions& options);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_CAPABILITIES_H_
