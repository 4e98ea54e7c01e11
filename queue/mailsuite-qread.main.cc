// The queue listing (qread.h); the same program under its mailq name.
#include "queue/qread.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-qread");
  return ms::queue::QreadMain(argc, argv);
}
