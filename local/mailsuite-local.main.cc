// mailsuite-local [-nN] user homedir local dash ext domain sender defaultdelivery
// Delivers the message on fd 0 for one local user (qmail-local's contract;
// local/README.md).  Prints one line of reason on fd 1; exits 0, 100, 111.
#include <signal.h>
#include <sys/stat.h>

#include <string>

#include "delivery.h"
#include "fd.h"
#include "program.h"
#include "recipient.h"

namespace {

// A handler, not SIG_IGN: an ignored SIGPIPE would be inherited by the
// programs we run, a handler is reset to the default by exec.
void OnSigpipe(int) {}

int Finish(int code, const std::string& line, bool several_lines) {
  std::string out = several_lines ? line : ms::local::OneLine(line, 2000);
  ms::WriteAll(1, out + "\n");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // A queue program that exits early must give us EPIPE, not kill us.
  ::signal(SIGPIPE, OnSigpipe);
  ::umask(077);
  auto args = ms::local::ParseArguments(argc, argv);
  if (!args.ok()) return Finish(111, args.error().message, false);
  ms::local::Outcome outcome = ms::local::Deliver(*args, 0);
  return Finish(outcome.exit_code, outcome.line, !args->deliver);
}
