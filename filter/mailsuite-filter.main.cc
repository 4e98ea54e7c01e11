// mailsuite-filter: the content filter, a QMAILQUEUE program (DESIGN.md
// "mailsuite-filter"; protocol and exit codes in filter/filter_run.h,
// operation in filter/README.md).
#include "become_user.h"
#include "filter/filter_run.h"
#include "log.h"
#include "queue_client.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-filter");
  ms::KeepMemoryPrivate();  // holds users' mail (lib/become_user.h)
  ms::SetLogProgram("mailsuite-filter");
  // Before anything is opened: was fd 6 (the reply text) given?
  bool fd6_open = ms::HoldFilterReplyFd();
  return ms::filter::RunFilter(fd6_open);
}
