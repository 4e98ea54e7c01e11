// mailsuite-newmrh: compiles control/morercpthosts into morercpthosts.cdb
// (atomically: readers never see a partial table).  Exit 0 done, 111
// failure, as qmail-newmrh.
#include "control/cdb_build.h"
#include "log.h"
#include "paths.h"
#include "version.h"

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-newmrh");
  ms::SetLogProgram("mailsuite-newmrh");
  if (argc > 1) {
    ms::LogLine("usage").Add("text", "mailsuite-newmrh takes no arguments").Emit();
    return 2;
  }
  ms::Status s = ms::control::CompileMoreRcptHosts(ms::ControlDir());
  if (!s) {
    ms::LogLine("fatal").Add("error", s.error().message).Emit();
    return 111;
  }
  return 0;
}
