#include "fd_passing.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ms {

Status SendWithFds(int sock, std::string_view data, int fd0, int fd1) {
  struct iovec iov = {const_cast<char*>(data.data()), data.size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  int fds[2] = {fd0, fd1};
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  for (;;) {
    if (::sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0) return Ok{};
    if (errno != EINTR) return MakeError(std::strerror(errno));
  }
}

bool ReceiveWithFds(int sock, size_t max_size, std::string* data, UniqueFd* fd0, UniqueFd* fd1,
                    bool* eof) {
  data->resize(max_size);
  struct iovec iov = {data->data(), data->size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  errno = 0;  // so that EINTR below means this call was interrupted
  ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  *eof = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
  if (n <= 0) return false;
  data->resize(static_cast<size_t>(n));
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fds[2] = {-1, -1};
    std::memcpy(fds, CMSG_DATA(c), std::min<size_t>(count, 2) * sizeof(int));
    fd0->reset(fds[0]);
    fd1->reset(fds[1]);
    for (size_t i = 2; i < count; ++i) {
      int extra;
      std::memcpy(&extra, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      ::close(extra);
    }
  }
  return (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0 && fd0->valid() && fd1->valid();
}

}  // namespace ms
