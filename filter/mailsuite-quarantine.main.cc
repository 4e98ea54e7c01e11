// mailsuite-quarantine list | show ID | release ID | delete ID: the
// messages mailsuite-filter held (filter/quarantine_admin.h for formats
// and exit codes).  Only root and the msadmin group.
#include <cstdio>
#include <string>
#include <vector>

#include "filter/quarantine_admin.h"
#include "filter/quarantine_store.h"
#include "paths.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-quarantine");
  if (!ms::filter::MayAdministerQuarantine()) {
    std::fprintf(stderr, "mailsuite-quarantine: only root and the msadmin group may use the quarantine\n");
    return 100;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  return ms::filter::QuarantineCommand(ms::QuarantineDir(), args);
}
