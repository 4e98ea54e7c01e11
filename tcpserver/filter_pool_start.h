// mailsuite-tcpserver's side of the filter pool (filter/FILTER_POOL.md):
// the listener starts mailsuite-filterpool as msfilter while it is still
// root, and each connection's child joins it for its session.
#ifndef MAILSUITE_TCPSERVER_FILTER_POOL_START_H_
#define MAILSUITE_TCPSERVER_FILTER_POOL_START_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "fd.h"

namespace ms::smtpd {

// The session's socket to the filter pool in smtpd: this fd.
inline constexpr int kFilterPoolSocket = 4;

// Whether program (a QMAILQUEUE value) is the mailsuite-filter installed
// next to this program (the same file: device and inode).
bool NamesOurFilter(const char* program);

// uid and gid of `account` from passwd_text (/etc/passwd's format); the
// listener is linked statically and may not call getpwnam (conf-static).
struct AccountIds {
  uid_t uid;
  gid_t gid;
};
std::optional<AccountIds> FindAccount(std::string_view passwd_text, std::string_view account);

// Called as root, before the listener takes its own identity: when
// $QMAILQUEUE names our mailsuite-filter and /etc/passwd has msfilter,
// forks a child that becomes msfilter (lib/become_user.h) and execs
// mailsuite-filterpool with max_workers; it is not our child (the fork in
// between exits), so the reaper never counts it as a session.  The
// listener's end of the control socket, or invalid: no pool, every
// message execs the filter.
UniqueFd StartFilterPool(unsigned max_workers);

// In a connection's child: a new socket pair, one end sent to the keeper
// over control, with queue_helper (a socket to a pooled queue helper, or
// -1) once that helper said it is ready; the other end, or invalid if the
// keeper is gone.  The caller closes its queue_helper afterwards: smtpd's
// code never holds it (FILTER_POOL.md "Hand-off to the queue").
UniqueFd JoinFilterPool(int control, int queue_helper);

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_FILTER_POOL_START_H_
