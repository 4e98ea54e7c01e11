#include "remote/tcp_connect.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ms::remote {

Result<UniqueFd> ConnectTcp(const IpAddress& ip, uint16_t port, const Deadline& deadline) {
  sockaddr_storage ss;
  socklen_t sslen = ip.ToSockaddr(port, &ss);
  UniqueFd fd(::socket(ip.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return MakeError(std::string("socket: ") + std::strerror(errno));
  // Commands are small and pipelined by us: no reason to wait for Nagle.
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), sslen) == 0) return fd;
  if (errno != EINPROGRESS) return MakeError(std::strerror(errno));
  WaitResult w = WaitWritable(fd.get(), deadline);
  if (w == WaitResult::kTimeout) return MakeError("connection timed out");
  if (w == WaitResult::kError) return MakeError(std::string("poll: ") + std::strerror(errno));
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
  if (error != 0) return MakeError(std::strerror(error));
  return fd;
}

}  // namespace ms::remote
