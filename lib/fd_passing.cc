#include "fd_passing.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ms {

namespace {

constexpr size_t kMaxFds = 4;

}  // namespace

Status SendFdArray(int sock, std::string_view data, const int* fds, size_t count) {
  if (count == 0 || count > kMaxFds) return MakeError("bad descriptor count");
  struct iovec iov = {const_cast<char*>(data.data()), data.size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(count * sizeof(int));
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(count * sizeof(int));
  std::memcpy(CMSG_DATA(c), fds, count * sizeof(int));
  for (;;) {
    if (::sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0) return Ok{};
    if (errno != EINTR) return MakeError(std::strerror(errno));
  }
}

bool ReceiveFdArray(int sock, size_t max_size, std::string* data, UniqueFd* out, size_t count, bool* eof) {
  size_t received = 0;
  return ReceiveFdsUpTo(sock, max_size, data, out, count, &received, eof) && received == count;
}

bool ReceiveFdsUpTo(int sock, size_t max_size, std::string* data, UniqueFd* out, size_t count, size_t* got,
                    bool* eof) {
  *eof = false;
  *got = 0;
  if (count == 0 || count > kMaxFds) return false;
  data->resize(max_size);
  struct iovec iov = {data->data(), data->size()};
  alignas(struct cmsghdr) char control[CMSG_SPACE(kMaxFds * sizeof(int))];
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
  size_t received = 0;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t in_header = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < in_header; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (received < count) out[received].reset(fd);
      else ::close(fd);  // more than we asked for
      ++received;
    }
  }
  *got = std::min(received, count);
  return (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0 && received <= count;
}

Status SendWithFds(int sock, std::string_view data, int fd0, int fd1) {
  int fds[2] = {fd0, fd1};
  return SendFdArray(sock, data, fds, 2);
}

bool ReceiveWithFds(int sock, size_t max_size, std::string* data, UniqueFd* fd0, UniqueFd* fd1,
                    bool* eof) {
  UniqueFd fds[2];
  bool ok = ReceiveFdArray(sock, max_size, data, fds, 2, eof);
  *fd0 = std::move(fds[0]);
  *fd1 = std::move(fds[1]);
  return ok;
}

Status SendWithFd(int sock, std::string_view data, int fd) { return SendFdArray(sock, data, &fd, 1); }

bool ReceiveWithFd(int sock, size_t max_size, std::string* data, UniqueFd* fd, bool* eof) {
  return ReceiveFdArray(sock, max_size, data, fd, 1, eof);
}

}  // namespace ms
