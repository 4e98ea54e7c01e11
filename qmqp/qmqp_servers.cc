#include "qmqp/qmqp_servers.h"

#include "text.h"

namespace ms::qmqp {

Result<QmqpServer> ParseQmqpServer(std::string_view line) {
  auto bad = [&](const char* what) { return MakeError(std::string("qmqpservers: ") + what + ": " + std::string(line)); };
  std::string_view host = line;
  std::string_view port_text;
  bool has_port = false;
  size_t colon = line.find(':');
  if (!line.empty() && line[0] == '[') {
    size_t close = line.find(']');
    if (close == std::string_view::npos) return bad("no ']'");
    host = line.substr(1, close - 1);
    std::string_view rest = line.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return bad("not [IPv6]:port");
      has_port = true;
      port_text = rest.substr(1);
    }
  } else if (colon != std::string_view::npos && colon == line.rfind(':')) {
    // One colon: IPv4:port.  Two or more: a bare IPv6 address.
    host = line.substr(0, colon);
    has_port = true;
    port_text = line.substr(colon + 1);
  }
  auto ip = IpAddress::Parse(host);
  if (!ip) return bad("not an IP address");
  QmqpServer server{*ip, kQmqpPort, std::string(line)};
  if (has_port) {
    auto port = ParseDecimal(port_text, 65535, 5);
    if (!port || *port == 0) return bad("bad port");
    server.port = static_cast<uint16_t>(*port);
  }
  return server;
}

Result<std::vector<QmqpServer>> ParseQmqpServers(const std::vector<std::string>& lines) {
  std::vector<QmqpServer> servers;
  for (const std::string& line : lines) {
    auto server = ParseQmqpServer(line);
    if (!server) return server.error();
    servers.push_back(std::move(*server));
  }
  return servers;
}

}  // namespace ms::qmqp
