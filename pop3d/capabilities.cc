#include "pop3d/capabilities.h"

namespace ms::pop3d {

std::string CapabilityResponse(const CapabilityOptions& options) {
  std::string r = "+OK capability list follows\r\nTOP\r\nUIDL\r\n";
  if (options.before_login) r += "USER\r\n";
  if (options.stls) r += "STLS\r\n";
  r += "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n.\r\n";
  return r;
}

}  // namespace ms::pop3d
