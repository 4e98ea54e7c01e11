#include "local/run.h"

#include <signal.h>
#include <sys/stat.h>

#include <string>

#include "become_user.h"
#include "local/delivery.h"
#include "fd.h"
#include "local/program.h"
#include "local/recipient.h"

namespace ms::local {

namespace {

// A handler, not SIG_IGN: an ignored SIGPIPE would be inherited by the
// programs we run, a handler is reset to the default by exec.
void OnSigpipe(int) {}

int Finish(int code, const std::string& line, bool several_lines) {
  std::string out = several_lines ? line : OneLine(line, 2000);
  WriteAll(1, out + "\n");
  return code;
}

}  // namespace

int RunLocalDelivery(int argc, char** argv) {
  KeepMemoryPrivate();  // a user's mail (lib/become_user.h)
  // A queue program that exits early must give us EPIPE, not kill us.
  ::signal(SIGPIPE, OnSigpipe);
  ::umask(077);
  auto args = ParseArguments(argc, argv);
  if (!args.ok()) return Finish(111, args.error().message, false);
  Outcome outcome = Deliver(*args, 0);
  return Finish(outcome.exit_code, outcome.line, !args->deliver);
}

}  // namespace ms::local
