// Which channel a recipient goes to: qmail-send's rewrite() — envnoathost,
// percenthack, locals, virtualdomains — as a pure function.
#ifndef MAILSUITE_SEND_ROUTE_H_
#define MAILSUITE_SEND_ROUTE_H_

#include <string>
#include <string_view>

#include "send/config.h"

namespace ms::send {

enum class Channel { kLocal, kRemote };

struct Route {
  Channel channel = Channel::kRemote;
  std::string address;  // rewritten: "prepend-local@domain" for a virtual domain
  std::string local;    // part of address before its last '@'
  std::string domain;   // part after it (lower case)
  std::string original_local;  // the recipient's own local part (no prepend)
};

Route RouteRecipient(std::string_view recipient, const SendConfig& config);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_ROUTE_H_
