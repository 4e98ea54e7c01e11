// The control files mailsuite-remote reads (defaults as qmail-remote):
//   me              this host (for helohost and to recognise ourselves as an MX)
//   helohost        name sent with EHLO/HELO (default: me)
//   smtproutes      artificial routes (smtproutes.h)
//   timeoutconnect  seconds for one TCP connect and for one DNS query (60)
//   timeoutremote   seconds for each read and write in the SMTP dialogue (1200)
//   tlsclientciphers  OpenSSL cipher list for STARTTLS (TLS.md)
//   tlsdestinations   domains whose servers must offer STARTTLS with a
//                     certificate that verifies (rcpthosts-style entries)
//   tlsclientca.pem   CA certificates for that check (default: the system store)
#ifndef MAILSUITE_REMOTE_CONFIG_H_
#define MAILSUITE_REMOTE_CONFIG_H_

#include <vector>

#include "control.h"
#include "remote/delivery.h"
#include "remote/delivery_plan.h"
#include "result.h"
#include "remote/smtproutes.h"

namespace ms::remote {

struct RemoteConfig {
  DeliveryConfig delivery;
  std::vector<RouteEntry> routes;
  SelfIdentity self;
  std::vector<std::string> tls_destinations;
};

Result<RemoteConfig> LoadConfig(const Control& control);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_CONFIG_H_
