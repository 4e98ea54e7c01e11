// mailsuite-local's whole run, callable in-process: the program's main()
// and the root spawner's forked child (send/SPAWNER.md) both use it, so a
// local delivery from mailsuite-send needs no exec.
#ifndef MAILSUITE_LOCAL_RUN_H_
#define MAILSUITE_LOCAL_RUN_H_

namespace ms::local {

// [-nN] user homedir local dash ext domain sender defaultdelivery, the
// message on fd 0.  Writes the reason line to fd 1 and returns the exit
// code (0, 100, 111).  Sets SIGPIPE and the umask as the program needs.
int RunLocalDelivery(int argc, char** argv);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_RUN_H_
