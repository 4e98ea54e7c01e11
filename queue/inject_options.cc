#include "queue/inject_options.h"

#include <string_view>

namespace ms::queue {

namespace {

// Options that take a value and are ignored: DSN (-N, -R, -V), body type
// (-B), sendmail internals (-L, -X, -C, -h, -p, -O).
bool IgnoredWithValue(char c) { return std::string_view("NRVBLXChpO").find(c) != std::string_view::npos; }
// Flags that are accepted and ignored (-v verbose, -m metoo, -n, -U, -G).
bool IgnoredFlag(char c) { return std::string_view("vmnUG").find(c) != std::string_view::npos; }

}  // namespace

Result<InjectOptions> ParseInjectOptions(int argc, const char* const* argv) {
  InjectOptions o;
  int i = 1;
  auto value_of = [&](std::string_view arg, const char* name) -> Result<std::string> {
    if (arg.size() > 2) return std::string(arg.substr(2));
    if (i + 1 >= argc) return MakeError(std::string("option ") + name + " needs a value");
    return std::string(argv[++i]);
  };
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;
    char c = arg[1];
    if (c == 'f' || c == 'r' || c == 'F') {
      auto v = value_of(arg, c == 'F' ? "-F" : "-f");
      if (!v) return v.error();
      (c == 'F' ? o.full_name : o.sender) = std::move(*v);
    } else if (c == 'o') {
      if (arg == "-oi") o.ignore_dots = true;  // other -oX: sendmail queue options
    } else if (c == 'b') {
      if (arg == "-bp") {
        o.list_queue = true;
      } else if (arg != "-bm") {
        return MakeError("mode " + std::string(arg) + " is not supported (only -bm and -bp)");
      }
    } else if (c == 'q') {
      return MakeError("queue runs are mailsuite-send's job: send it SIGALRM instead of -q");
    } else if (IgnoredWithValue(c)) {
      if (arg.size() == 2) ++i;
      if (i >= argc) return MakeError(std::string("option ") + std::string(arg) + " needs a value");
    } else {
      for (char flag : arg.substr(1)) {
        if (flag == 't') o.extract_recipients = true;
        else if (flag == 'i') o.ignore_dots = true;
        else if (!IgnoredFlag(flag)) return MakeError("unknown option " + std::string(arg));
      }
    }
  }
  for (; i < argc; ++i) o.recipients.emplace_back(argv[i]);
  return o;
}

}  // namespace ms::queue
