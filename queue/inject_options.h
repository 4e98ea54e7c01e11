// The sendmail command line as mailsuite-inject understands it (INJECT.md):
//   sendmail [-t] [-i|-oi] [-f sender] [-F fullname] [-bm|-bp] [recipient...]
// Other sendmail options that make no sense here are accepted and ignored
// (-oem, -odb, -v, -N dsn, ...) so that existing callers keep working.
#ifndef MAILSUITE_QUEUE_INJECT_OPTIONS_H_
#define MAILSUITE_QUEUE_INJECT_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "result.h"

namespace ms::queue {

struct InjectOptions {
  bool extract_recipients = false;  // -t
  bool ignore_dots = false;         // -i, -oi
  bool list_queue = false;          // -bp: act as mailq
  std::optional<std::string> sender;     // -f / -r
  std::optional<std::string> full_name;  // -F
  std::vector<std::string> recipients;   // arguments, each an address list
};

Result<InjectOptions> ParseInjectOptions(int argc, const char* const* argv);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_INJECT_OPTIONS_H_
