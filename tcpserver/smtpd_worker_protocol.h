// The packets between mailsuite-tcpserver and its smtpd session workers
// (SMTPD_WORKERS.md "Protocol"), over one SOCK_SEQPACKET pair per worker.
#ifndef MAILSUITE_TCPSERVER_SMTPD_WORKER_PROTOCOL_H_
#define MAILSUITE_TCPSERVER_SMTPD_WORKER_PROTOCOL_H_

namespace ms::smtpd {

// listener -> worker, with the connection: 'C', then '1'/'0' (stress mode),
// then '1' when the control directory changed since the worker's last
// connection (forget the kept control files, lib/control.h), else '0'.
inline constexpr char kConnection = 'C';
inline constexpr char kSessionDone = 'D';    // worker -> listener, + one byte: the exit code
inline constexpr char kHelperRequest = 'H';  // worker -> listener: a queue helper, please
inline constexpr char kHelperGranted = 'H';  // listener -> worker, with the helper's socket
inline constexpr char kNoHelper = 'N';       // listener -> worker: none to be had

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_SMTPD_WORKER_PROTOCOL_H_
