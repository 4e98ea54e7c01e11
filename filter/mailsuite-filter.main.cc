// mailsuite-filter: the content filter, a QMAILQUEUE program (DESIGN.md
// "mailsuite-filter"; protocol and exit codes in filter/filter_run.h,
// operation in filter/README.md).
#include <fcntl.h>
#include <unistd.h>

#include "become_user.h"
#include "filter/filter_run.h"
#include "log.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-filter");
  ms::KeepMemoryPrivate();  // holds users' mail (lib/become_user.h)
  ms::SetLogProgram("mailsuite-filter");
  // Before anything is opened: is fd 6 (the refusal text) there?  If not,
  // hold the number with a close-on-exec placeholder so no file of ours
  // lands on it and reaches the next program as its fd 6.
  bool fd6_open = ::fcntl(6, F_GETFD) != -1;
  if (!fd6_open) {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd != 6) {
      ::dup3(fd, 6, O_CLOEXEC);
      ::close(fd);
    }
  }
  return ms::filter::RunFilter(fd6_open);
}
