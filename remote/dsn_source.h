// The DSN parameters (RFC 3461) of the recipients mailsuite-remote was
// given, read from the queue file itself: the scheduler hands every
// deliverer `mess/ID` as fd 0 (send/SPAWNER.md), and its envelope holds
// the M and R records (queue/FORMAT.md "DSN records").  So the spawner
// protocol and qmail-remote's argv stay as they are.  Anything that is not
// a whole queue file (a pipe, a test's plain message) gives no DSN.
#ifndef MAILSUITE_REMOTE_DSN_SOURCE_H_
#define MAILSUITE_REMOTE_DSN_SOURCE_H_

#include <string>
#include <vector>

namespace ms::remote {

struct DeliveryDsn {
  std::string mail;               // "RET=... ENVID=..." or empty
  std::vector<std::string> rcpt;  // per recipient given, "NOTIFY=... ORCPT=..." or empty
};

// recipients: as given on the command line; each takes the parameters of
// the first envelope recipient with the same address not yet taken.
DeliveryDsn ReadDeliveryDsn(int fd, const std::vector<std::string>& recipients);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_DSN_SOURCE_H_
