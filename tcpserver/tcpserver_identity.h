// Who mailsuite-tcpserver is once its socket is bound.
#ifndef MAILSUITE_SMTPD_TCPSERVER_IDENTITY_H_
#define MAILSUITE_SMTPD_TCPSERVER_IDENTITY_H_

#include <string>

#include "result.h"
#include "tcpserver/tcpserver_options.h"

namespace ms::smtpd {

// With -u/-g (or -U), started as root: the real uid and gid become the
// session user's (groups: that gid alone), and the effective and saved uid
// become the owner of queue_tmp — what a set-uid mailsuite-smtpd run by
// that user has.  So each connection's mailsuite-smtpd can fork its queue
// helper as the queue owner and then drop to the session user for good
// (QUEUE_HELPER.md).  A root-owned or missing queue_tmp leaves the session
// user alone.  Without -u/-g nothing changes.  Checked after the switch.
Status TakeServerIdentity(const TcpServerOptions& options, const std::string& queue_tmp);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TCPSERVER_IDENTITY_H_
