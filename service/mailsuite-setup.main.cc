// mailsuite-setup: creates what an installation needs.
//   mailsuite-setup --queue DIR     the queue layout (setup_queue.h)
// Exit 0 on success, 100 on a usage error, 111 when creating failed.
#include <cstdio>
#include <string>
#include <string_view>

#include "service/setup_queue.h"

namespace {

int Usage() {
  std::fputs("usage: mailsuite-setup --queue DIR\n", stderr);
  return 100;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--queue" && i + 1 < argc) {
      ms::Status s = ms::setup::SetUpQueue(argv[++i]);
      if (!s) {
        std::fprintf(stderr, "mailsuite-setup: %s\n", s.error().message.c_str());
        return 111;
      }
    } else {
      return Usage();
    }
  }
  return 0;
}
