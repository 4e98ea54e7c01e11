// mailsuite-filterpool MAXWORKERS: the supervisor of the keeper of
// mailsuite-filter's pooled workers, started by mailsuite-tcpserver as
// msfilter with its control socket on fd 3 (filter/FILTER_POOL.md).  Not for running by hand.
#include <unistd.h>

#include <string>

#include "become_user.h"
#include "control.h"
#include "fd.h"
#include "filter/filter_pool.h"
#include "log.h"
#include "text.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-filterpool");
  ms::KeepMemoryPrivate();  // its workers hold users' mail (lib/become_user.h)
  ms::SetLogProgram("mailsuite-filterpool");
  auto max_workers = argc == 2 ? ms::ParseDecimal(argv[1], 100000) : std::nullopt;
  if (!max_workers || *max_workers == 0) {
    ms::WriteAll(2, "usage: mailsuite-filterpool MAXWORKERS (started by mailsuite-tcpserver)\n");
    return 100;
  }
  // Refuse to serve as root: the workers parse hostile MIME.
  if (::geteuid() == 0 || ::getuid() == 0) {
    ms::LogLine("fatal").Add("error", "refusing to run as root").Emit();
    return 111;
  }
  auto limit = ms::Control().Number("filtermaxuse", 1000, 1, 1000000);
  if (!limit) {
    ms::LogLine("fatal").Add("error", limit.error().message).Emit();
    return 111;
  }
  return ms::filter::RunFilterPool(static_cast<unsigned>(*max_workers), static_cast<unsigned>(*limit));
}
