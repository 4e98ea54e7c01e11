// Connecting to a mail server: the socket the SMTP session then talks over
// as an FdStream (lib/byte_stream.h; TLS replaces it for STARTTLS).
#ifndef MAILSUITE_REMOTE_TCP_CONNECT_H_
#define MAILSUITE_REMOTE_TCP_CONNECT_H_

#include <cstdint>

#include "deadline.h"
#include "fd.h"
#include "ip_address.h"
#include "result.h"

namespace ms::remote {

// A non-blocking TCP connection to ip:port, established before deadline.
// Error text: "connection refused", "timed out", ...
Result<UniqueFd> ConnectTcp(const IpAddress& ip, uint16_t port, const Deadline& deadline);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_TCP_CONNECT_H_
