#include "filter/spamd_client.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "filter/scanner_socket.h"

namespace ms::filter {

SpamResult ParseSpamdReply(std::string_view r) {
  SpamResult out;
  size_t eol = r.find("\r\n");
  std::string_view status = r.substr(0, eol);
  if (status.substr(0, 6) != "SPAMD/" || status.find(" 0 ") == std::string_view::npos) {
    out.error = "spamd: " + std::string(status.substr(0, 200));
    return out;
  }
  size_t end = r.find("\r\n\r\n");
  std::string_view headers = r.substr(0, end);
  size_t at = headers.find("\r\nSpam: ");
  if (at == std::string_view::npos) {
    out.error = "spamd: no Spam: line";
    return out;
  }
  std::string line(headers.substr(at + 8, headers.find("\r\n", at + 8) - at - 8));
  // "True ; 1000.0 / 5.0"
  size_t semi = line.find(';'), slash = line.find('/');
  if (semi == std::string::npos || slash == std::string::npos || slash < semi) {
    out.error = "spamd: bad Spam: line";
    return out;
  }
  out.spam = line.substr(0, semi).find("True") != std::string::npos ||
             line.substr(0, semi).find("Yes") != std::string::npos;
  out.score = std::strtod(line.c_str() + semi + 1, nullptr);
  out.threshold = std::strtod(line.c_str() + slash + 1, nullptr);
  if (end != std::string_view::npos) {
    std::string_view sym = r.substr(end + 4);
    while (!sym.empty() && (sym.back() == '\n' || sym.back() == '\r')) sym.remove_suffix(1);
    for (char c : sym.substr(0, 1000))
      out.symbols.push_back((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                    c == '_' || c == ','
                                ? c
                                : '?');
  }
  out.ok = true;
  return out;
}

SpamResult SpamdCheck(std::string_view spec, int fd, uint64_t len, const Deadline& deadline) {
  SpamResult out;
  auto sock = ConnectScanner(spec, deadline);
  if (!sock) {
    out.error = sock.error().message;
    return out;
  }
  int s = sock->get();
  std::string head = "SYMBOLS SPAMC/1.5\r\nContent-length: " + std::to_string(len) + "\r\nUser: msfilter\r\n\r\n";
  bool sent = SendAll(s, head, deadline);
  std::string chunk(65536, '\0');
  uint64_t pos = 0;
  while (sent && pos < len) {
    ssize_t got = ::pread(fd, chunk.data(), std::min<uint64_t>(chunk.size(), len - pos), static_cast<off_t>(pos));
    if (got <= 0) {
      out.error = "reading the spooled message";
      return out;
    }
    sent = SendAll(s, std::string_view(chunk.data(), static_cast<size_t>(got)), deadline);
    pos += static_cast<uint64_t>(got);
  }
  if (!sent) {
    out.error = "spamd: sending failed";
    return out;
  }
  ::shutdown(s, SHUT_WR);
  auto reply = ReceiveReply(s, 65536, deadline);
  if (!reply) {
    out.error = "spamd: " + reply.error().message;
    return out;
  }
  return ParseSpamdReply(*reply);
}

}  // namespace ms::filter
