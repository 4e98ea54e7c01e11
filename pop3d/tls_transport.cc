#include "pop3d/tls_transport.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "fd.h"

namespace ms::pop3d {

void RelayUntilExit(TlsStream& client, int local) {
  // The post-login role enforces its own timeout and then exits, which
  // ends this loop; a write that cannot proceed for that long ends it too.
  constexpr int64_t kWriteTimeoutMs = 600 * 1000;
  bool child_spoke = false;
  bool client_open = true;
  char buf[16384];
  for (;;) {
    struct pollfd fds[2] = {{local, POLLIN, 0}, {client.read_fd(), POLLIN, 0}};
    bool watch_client = child_spoke && client_open;
    if (!(watch_client && client.HasPending())) {
      int r = ::poll(fds, watch_client ? 2 : 1, -1);
      if (r < 0) {
        if (errno == EINTR) continue;
        return;
      }
    } else {
      fds[1].revents = POLLIN;
    }
    if (fds[0].revents) {
      ssize_t n = ::read(local, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return;  // the post-login process (and the checker) are gone
      child_spoke = true;
      if (!client.Write(std::string_view(buf, static_cast<size_t>(n)), Deadline::AfterMs(kWriteTimeoutMs)))
        return;
    }
    if (watch_client && fds[1].revents) {
      ssize_t n = client.Read(buf, sizeof buf, Deadline::AfterMs(0));
      if (n == -2) continue;  // half a TLS record so far
      if (n <= 0) {
        client_open = false;
        ::shutdown(local, SHUT_WR);  // the post-login process sees the end
        continue;
      }
      if (!WriteAllWithDeadline(local, buf, static_cast<size_t>(n), Deadline::AfterMs(kWriteTimeoutMs)))
        return;
    }
  }
}

}  // namespace ms::pop3d
