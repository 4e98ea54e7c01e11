// mailsuite-local [-nN] user homedir local dash ext domain sender defaultdelivery
// Delivers the message on fd 0 for one local user (qmail-local's contract;
// local/README.md).  Prints one line of reason on fd 1; exits 0, 100, 111.
// mailsuite-send runs the same code in a forked child instead of this
// program (send/SPAWNER.md).
#include "local/run.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-local");
  return ms::local::RunLocalDelivery(argc, argv);
}
