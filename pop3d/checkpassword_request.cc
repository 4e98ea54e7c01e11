#include "pop3d/checkpassword_request.h"

#include <string.h>  // explicit_bzero

#include <cerrno>
#include <cstring>

namespace ms::checkpassword {

Request::~Request() { explicit_bzero(password.data(), password.size()); }

Result<Request> ParseRequest(std::string_view data) {
  if (data.size() > kMaxRequest) return MakeError("request longer than 512 octets");
  Request r;
  std::string* fields[] = {&r.user, &r.password, &r.timestamp};
  size_t complete = 0;
  for (std::string* field : fields) {
    size_t nul = data.find('\0');
    if (nul == std::string_view::npos) break;
    field->assign(data.substr(0, nul));
    data.remove_prefix(nul + 1);
    ++complete;
  }
  if (complete < 2) return MakeError("request needs user\\0password\\0");
  return r;
}

Result<std::string> ReadRequest(int fd, const Deadline& deadline) {
  std::string data;
  char buf[kMaxRequest + 1];
  for (;;) {
    ssize_t n = ReadWithDeadline(fd, buf, sizeof buf, deadline);
    if (n == 0) break;
    if (n == -2) return MakeError("timed out reading the request on fd 3");
    if (n < 0) return MakeError(std::string("unable to read fd 3: ") + std::strerror(errno));
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxRequest) {
      explicit_bzero(data.data(), data.size());
      explicit_bzero(buf, sizeof buf);
      return MakeError("request longer than 512 octets");
    }
  }
  explicit_bzero(buf, sizeof buf);
  return data;
}

}  // namespace ms::checkpassword
