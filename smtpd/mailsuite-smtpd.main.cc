// mailsuite-smtpd: ESMTP receiver run by tcpserver (socket on fd 0/1).
// Protocol, replies and control files: smtpd/README.md.
#include "smtpd/smtpd_main.h"
#include "version.h"

// argv[1..]: the checkpassword program for AUTH, with its arguments.
int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-smtpd");
  return ms::smtpd::RunSmtpd(argc, argv);
}
