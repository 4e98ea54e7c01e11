// Tries the planned addresses in order until one server takes the
// envelope (see smtp_session.h for what "takes" means), and fills the
// report.  A refused or timed-out connection, and a 4xx/5xx greeting or
// HELO, move on to the next address; only when every address failed does
// the report say so: temporary if any failure was temporary, permanent
// when every server answered 5xx.
#ifndef MAILSUITE_REMOTE_DELIVERY_H_
#define MAILSUITE_REMOTE_DELIVERY_H_

#include <string>
#include <vector>

#include "remote/delivery_plan.h"
#include "remote/report.h"
#include "remote/smtp_session.h"
#include "remote/stored_message.h"

namespace ms::remote {

struct DeliveryConfig {
  SessionConfig session;
  int timeout_connect_s = 60;
};

void Deliver(const std::vector<Target>& targets, const DeliveryConfig& config, const std::string& sender,
             const std::vector<std::string>& recipients, StoredMessage& message, Report* report);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_DELIVERY_H_
