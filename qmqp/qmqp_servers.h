// control/qmqpservers for mailsuite-qmqpc: one server a line, tried in
// order: "IPv4[:port]", "[IPv6]:port" or a bare IPv6 address; the port
// defaults to 628 (QMQP).  Addresses only: a null client looks nothing up.
#ifndef MAILSUITE_QMQP_QMQP_SERVERS_H_
#define MAILSUITE_QMQP_QMQP_SERVERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ip_address.h"
#include "result.h"

namespace ms::qmqp {

inline constexpr uint16_t kQmqpPort = 628;

struct QmqpServer {
  IpAddress ip;
  uint16_t port = kQmqpPort;
  std::string text;  // as written, for logs
};

Result<QmqpServer> ParseQmqpServer(std::string_view line);
// Every line; an Error names the first bad one.
Result<std::vector<QmqpServer>> ParseQmqpServers(const std::vector<std::string>& lines);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_QMQP_SERVERS_H_
