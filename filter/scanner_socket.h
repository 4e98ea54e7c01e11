// Connections to the scanning daemons (clamd, spamd): a control-file value
// "/path/to/socket" (unix domain) or "host:port" (TCP, host an IPv4 or
// IPv6 literal, "[v6]:port" too), connected with a deadline.  Writes use
// MSG_NOSIGNAL: a daemon that hangs up early is an error, not a SIGPIPE.
#ifndef MAILSUITE_FILTER_SCANNER_SOCKET_H_
#define MAILSUITE_FILTER_SCANNER_SOCKET_H_

#include <string>
#include <string_view>

#include "deadline.h"
#include "fd.h"
#include "result.h"

namespace ms::filter {

Result<UniqueFd> ConnectScanner(std::string_view spec, const Deadline& deadline);
bool SendAll(int fd, std::string_view data, const Deadline& deadline);
// Reads until end of file (or max octets, or until stop_at is seen).
Result<std::string> ReceiveReply(int fd, size_t max, const Deadline& deadline, char stop_at = '\xff');

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_SCANNER_SOCKET_H_
