// Who mailsuite-tcpserver is once its socket is bound.
#ifndef MAILSUITE_SMTPD_TCPSERVER_IDENTITY_H_
#define MAILSUITE_SMTPD_TCPSERVER_IDENTITY_H_

#include <string>

#include "result.h"
#include "tcpserver/tcpserver_options.h"

namespace ms::smtpd {

// With -u/-g (or -U), started as root: groups = the gid alone, real,
// effective and saved gid the gid; the real and saved uid become the owner
// of queue_tmp (mailsuite) and the effective uid the session user U (the
// filesystem uid stays the queue owner's, for the queue's tmp/).  The
// sessions (all U) can then not signal the listener (TCPSERVER.md
// "Privilege"), while it can still fork pooled helpers as the queue owner
// and connection children that take the set-uid smtpd shape
// (TakeConnectionIdentity).  A root-owned or missing queue_tmp: U alone.
// Without -u/-g nothing changes.  Checked after the switch; non-dumpable.
Status TakeServerIdentity(const TcpServerOptions& options, const std::string& queue_tmp);

// In a connection's child, first thing: real uid U, effective and saved
// uid the queue owner — what a set-uid mailsuite-smtpd run by U has — so
// that smtpd's code forks its own helper if it must and then gives the
// queue owner up for good (QUEUE_HELPER.md).  Nothing to do when the
// listener is one user.
Status TakeConnectionIdentity();

// In a pooled session worker (SMTPD_WORKERS.md), first thing: the
// session user as its real, effective and saved uid — it never forks a
// helper itself, so it keeps nothing of the queue owner.  Nothing to do
// when the listener is one user.
Status TakeWorkerIdentity();

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TCPSERVER_IDENTITY_H_
