// mailsuite-tcpserver's child, for one connection: what tcpserver does
// between its fork and its exec — the TCP environment, the -x rules, the
// socket on fd 0 and 1 — and then the program: mailsuite-smtpd's code
// in this very process when the program is our own mailsuite-smtpd
// (no exec), anything else exec'd.
#ifndef MAILSUITE_SMTPD_TCP_CONNECTION_H_
#define MAILSUITE_SMTPD_TCP_CONNECTION_H_

#include <string>

#include "tcpserver/tcpserver_options.h"

namespace ms::smtpd {

// Whether program (a path, or a name looked up in $PATH) is the very file
// of the program called name (mailsuite-smtpd, mailsuite-qmqpd) installed
// next to the running executable.
bool IsOurProgram(const std::string& program, const char* name);
inline bool IsOurSmtpd(const std::string& program) { return IsOurProgram(program, "mailsuite-smtpd"); }

// What tcpserver does between accept and the program for the connection
// on fd: the TCP environment and the -x rules (their variables set, a
// deny logged), the "ok" line.  -1 when the program may run, else the
// exit code: 100 denied, 111 the rules unreadable or the client gone.
int PrepareConnection(int fd, const TcpServerOptions& options);

// Serves the connection on fd and exits: 100 when the rules deny it, 111
// when the rules cannot be read or the program cannot run, else the
// program's own exit code.  helper_socket (or -1) connects to a pooled
// queue helper for the in-process smtpd.
[[noreturn]] void ServeConnection(int fd, const TcpServerOptions& options, bool smtpd_in_process,
                                  int helper_socket, int filter_control = -1);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TCP_CONNECTION_H_
