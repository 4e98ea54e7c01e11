// The Received: line smtpd puts on top of every message (RFC 5321 4.4):
//
//   Received: from HELO (REMOTEHOST [REMOTEIP])
//   \tby ME with ESMTP; DATE
//
// LF line ends, as the queue stores messages.  Client-supplied text (HELO,
// the reverse DNS name) is made safe: octets outside printable ASCII and
// the characters that would open or end the comment become '?'; lengths bounded.
#ifndef MAILSUITE_SMTPD_RECEIVED_H_
#define MAILSUITE_SMTPD_RECEIVED_H_

#include <ctime>
#include <string>
#include <string_view>

namespace ms::smtpd {

struct ReceivedInfo {
  std::string_view helo;         // empty: "unknown"
  std::string_view remote_host;  // TCPREMOTEHOST; empty: "unknown"
  std::string_view remote_ip;    // TCPREMOTEIP
  std::string_view me;
  std::string_view protocol;     // "ESMTP", "SMTP"; the TLS layer adds "S"
  std::string_view version = {}; // "mailsuite 1.0"; empty: hidden (Config::received_version)
};

// "1.2.3.4" stays; an IPv6 address becomes "IPv6:2001:db8::1"; an
// IPv4-mapped IPv6 address (::ffff:1.2.3.4) becomes "1.2.3.4".
std::string AddressLiteralText(std::string_view ip);
// RFC 5322 date-time in UTC, e.g. "Sun, 22 Nov 2026 18:04:21 +0000".
std::string Rfc5322Date(time_t when);
std::string FormatReceived(const ReceivedInfo& info, time_t when);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_RECEIVED_H_
