// mailsuite-filterpool: the pool of long-lived mailsuite-filter workers
// that mailsuite-tcpserver starts as msfilter when smtpd's QMAILQUEUE
// names mailsuite-filter, so that a message costs no exec of the filter.
// Protocol, privileges and limits: filter/FILTER_POOL.md.
#ifndef MAILSUITE_FILTER_FILTER_POOL_H_
#define MAILSUITE_FILTER_FILTER_POOL_H_

namespace ms::filter {

// The keeper's control socket from the listener (FILTER_POOL.md).
inline constexpr int kPoolControlSocket = 3;

// The supervisor (ms-filter-super): forks the keeper (ms-filter-pool),
// which serves sessions joined over kPoolControlSocket with workers it
// forks (at most max_workers at once, each serving at most
// messages_per_worker messages) until the listener closes that socket;
// a keeper that dies otherwise is replaced after a back-off (1 s doubling
// to 60 s), during which joining sessions are turned away (they exec the
// filter).  Returns 0 once the listener is gone.
int RunFilterPool(unsigned max_workers, unsigned messages_per_worker);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_FILTER_POOL_H_
