#include "filter/clamd_client.h"

#include <unistd.h>

#include "filter/scanner_socket.h"

namespace ms::filter {

ClamResult ParseClamdReply(std::string_view r) {
  while (!r.empty() && (r.back() == '\0' || r.back() == '\n')) r.remove_suffix(1);
  if (r.substr(0, 8) == "stream: ") r.remove_prefix(8);
  if (r == "OK") return {ClamResult::kClean, ""};
  constexpr std::string_view kFound = " FOUND";
  if (r.size() > kFound.size() && r.substr(r.size() - kFound.size()) == kFound) {
    std::string name(r.substr(0, r.size() - kFound.size()));
    for (char& c : name)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
    return {ClamResult::kFound, name.substr(0, 200)};
  }
  return {ClamResult::kError, r.empty() ? "no reply" : std::string(r.substr(0, 200))};
}

ClamResult ClamdScan(std::string_view spec, int fd, uint64_t len, const Deadline& deadline) {
  auto sock = ConnectScanner(spec, deadline);
  if (!sock) return {ClamResult::kError, sock.error().message};
  int s = sock->get();
  bool sent = SendAll(s, std::string_view("zINSTREAM\0", 10), deadline);
  std::string chunk;
  constexpr size_t kChunk = 65536;
  uint64_t pos = 0;
  while (sent && pos < len) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, len - pos));
    chunk.resize(4 + n);
    ssize_t got = ::pread(fd, chunk.data() + 4, n, static_cast<off_t>(pos));
    if (got <= 0) return {ClamResult::kError, "reading the spooled message"};
    uint32_t be = static_cast<uint32_t>(got);
    chunk[0] = static_cast<char>(be >> 24);
    chunk[1] = static_cast<char>(be >> 16);
    chunk[2] = static_cast<char>(be >> 8);
    chunk[3] = static_cast<char>(be);
    sent = SendAll(s, std::string_view(chunk.data(), 4 + static_cast<size_t>(got)), deadline);
    pos += static_cast<uint64_t>(got);
  }
  if (sent) sent = SendAll(s, std::string_view("\0\0\0\0", 4), deadline);
  // Even when sending failed, clamd may have said why before closing.
  auto reply = ReceiveReply(s, 1024, deadline, '\0');
  if (!reply) return {ClamResult::kError, reply.error().message};
  ClamResult r = ParseClamdReply(*reply);
  if (!sent && r.kind != ClamResult::kFound && r.kind != ClamResult::kError)
    return {ClamResult::kError, "clamd closed the connection early"};
  return r;
}

}  // namespace ms::filter
