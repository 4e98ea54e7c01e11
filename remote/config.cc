#include "remote/config.h"

#include <unistd.h>

#include "address.h"

namespace ms::remote {

Result<RemoteConfig> LoadConfig(const Control& control) {
  RemoteConfig c;
  auto me = control.Me();
  if (!me.ok()) return me.error();
  auto helohost = control.LineOrMe("helohost");
  if (!helohost.ok()) return helohost.error();
  auto connect = control.Number("timeoutconnect", 60, 1, 86400);
  if (!connect.ok()) return connect.error();
  auto remote = control.Number("timeoutremote", 1200, 1, 86400);
  if (!remote.ok()) return remote.error();
  auto lines = control.Lines("smtproutes");
  if (!lines.ok()) return lines.error();
  auto routes = ParseSmtpRoutes(*lines);
  if (!routes.ok()) return routes.error();
  auto ciphers = control.Line("tlsclientciphers", "");
  if (!ciphers.ok()) return ciphers.error();
  auto tls_destinations = control.Lines("tlsdestinations");
  if (!tls_destinations.ok()) return tls_destinations.error();
  c.delivery.session.tls.ciphers = *ciphers;
  // Trust anchors for tlsdestinations: the system store unless this exists.
  std::string ca = control.PathOf("tlsclientca.pem");
  if (access(ca.c_str(), F_OK) == 0) c.delivery.session.tls.ca_file = ca;
  c.tls_destinations = std::move(*tls_destinations);
  c.delivery.session.helohost = *helohost;
  c.delivery.session.timeout_remote_s = static_cast<int>(*remote);
  c.delivery.timeout_connect_s = static_cast<int>(*connect);
  c.routes = std::move(*routes);
  c.self.me = LowerCase(*me);
  c.self.load_local_addresses = true;
  return c;
}

}  // namespace ms::remote
