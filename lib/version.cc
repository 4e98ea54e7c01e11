#include "version.h"

#include <unistd.h>

#include <cstring>
#include <string>

#include "build/version.h"  // written by mk/version (Makefile)
#include "fd.h"

namespace ms {

const char* Version() { return MAILSUITE_VERSION; }

void ExitIfVersionRequest(int argc, char** argv, const char* program) {
  if (argc != 2 || std::strcmp(argv[1], "-V") != 0) return;
  std::string line = std::string(program) + " " + Version() + "\n";
  ::_exit(WriteAll(1, line) ? 0 : 111);
}

}  // namespace ms
