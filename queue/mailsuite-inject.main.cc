// Puts a message from a local program into the queue (inject.h,
// INJECT.md); the same program under its sendmail name.
#include "queue/inject.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-inject");
  return ms::queue::InjectMain(argc, argv);
}
