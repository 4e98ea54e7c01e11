#include "queue/trigger.h"

#include <fcntl.h>
#include <unistd.h>

namespace ms::queue {

void PokeTrigger(const std::string& trigger_path, std::string_view id) {
  int fd = ::open(trigger_path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  std::string line(id);
  line += '\n';
  // One write of at most PIPE_BUF bytes is atomic: lines from concurrent
  // writers never interleave.
  (void)!::write(fd, line.data(), line.size());
  // No close: the caller exits right away.
}

}  // namespace ms::queue
