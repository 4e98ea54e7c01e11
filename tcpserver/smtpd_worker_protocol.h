// The packets between mailsuite-tcpserver and its smtpd session workers
// (SMTPD_WORKERS.md "Protocol"), over one SOCK_SEQPACKET pair per worker.
#ifndef MAILSUITE_TCPSERVER_SMTPD_WORKER_PROTOCOL_H_
#define MAILSUITE_TCPSERVER_SMTPD_WORKER_PROTOCOL_H_

namespace ms::smtpd {

inline constexpr char kConnection = 'C';     // listener -> worker, + '1'/'0' (stress mode), with the connection
inline constexpr char kSessionDone = 'D';    // worker -> listener, + one byte: the exit code
inline constexpr char kHelperRequest = 'H';  // worker -> listener: a queue helper, please
inline constexpr char kHelperGranted = 'H';  // listener -> worker, with the helper's socket
inline constexpr char kNoHelper = 'N';       // listener -> worker: none to be had

}  // namespace ms::smtpd

#endif  // MAILSUITE_TCPSERVER_SMTPD_WORKER_PROTOCOL_H_
