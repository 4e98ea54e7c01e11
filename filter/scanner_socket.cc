#include "filter/scanner_socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "text.h"


namespace ms::filter {

namespace {

Result<UniqueFd> Finish(UniqueFd fd, const sockaddr* addr, socklen_t len, std::string_view spec,
                        const Deadline& deadline) {
  if (!fd.valid()) return MakeError("socket: " + std::string(strerror(errno)));
  if (::connect(fd.get(), addr, len) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN)
      return MakeError("connect " + std::string(spec) + ": " + strerror(errno));
    if (WaitWritable(fd.get(), deadline) != WaitResult::kReady)
      return MakeError("connect " + std::string(spec) + ": timed out");
    int err = 0;
    socklen_t el = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &el);
    if (err != 0) return MakeError("connect " + std::string(spec) + ": " + strerror(err));
  }
  return fd;
}

}  // namespace

Result<UniqueFd> ConnectScanner(std::string_view spec, const Deadline& deadline) {
  if (!spec.empty() && spec[0] == '/') {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (spec.size() >= sizeof sun.sun_path) return MakeError("socket path too long: " + std::string(spec));
    std::memcpy(sun.sun_path, spec.data(), spec.size());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    return Finish(std::move(fd), reinterpret_cast<sockaddr*>(&sun), sizeof sun, spec, deadline);
  }
  size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos) return MakeError("want /path or host:port, not " + std::string(spec));
  std::string host(spec.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string_view port_text = spec.substr(colon + 1);
  auto port = ParseDecimal(port_text, 65535);
  if (!port || *port == 0) return MakeError("bad port in " + std::string(spec));
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<uint16_t>(*port));
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    return Finish(std::move(fd), reinterpret_cast<sockaddr*>(&v4), sizeof v4, spec, deadline);
  }
  if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(static_cast<uint16_t>(*port));
    UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    return Finish(std::move(fd), reinterpret_cast<sockaddr*>(&v6), sizeof v6, spec, deadline);
  }
  return MakeError("not an IP address (no DNS on the mail path): " + host);
}

bool SendAll(int fd, std::string_view data, const Deadline& deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (WaitWritable(fd, deadline) != WaitResult::kReady) return false;
      continue;
    }
    return false;
  }
  return true;
}

Result<std::string> ReceiveReply(int fd, size_t max, const Deadline& deadline, char stop_at) {
  std::string out;
  char buf[4096];
  while (out.size() < max) {
    ssize_t n = ReadWithDeadline(fd, buf, sizeof buf, deadline);
    if (n == -2) return MakeError("timed out waiting for the reply");
    if (n < 0) return MakeError(std::string("read: ") + strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (stop_at != '\xff' && out.find(stop_at) != std::string::npos) break;
  }
  return out;
}

}  // namespace ms::filter
