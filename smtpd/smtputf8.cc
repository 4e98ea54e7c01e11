#include "smtpd/smtputf8.h"

#include "utf8_address.h"

namespace ms::smtpd {

bool PathNeedsSmtpUtf8(const Path& path) {
  return !path.null && (!IsAscii(path.mailbox.local) || !IsAscii(path.mailbox.domain));
}

std::string Utf8Protocol(std::string_view protocol) {
  if (protocol.substr(0, 5) != "ESMTP") return std::string(protocol);
  return "UTF8SMTP" + std::string(protocol.substr(5));
}

}  // namespace ms::smtpd
