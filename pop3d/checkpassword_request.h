// The checkpassword request on fd 3 (pop3d/CHECKPASSWORD.md):
//   user \0 password \0 timestamp \0     at most 512 octets
#ifndef MAILSUITE_POP3D_CHECKPASSWORD_REQUEST_H_
#define MAILSUITE_POP3D_CHECKPASSWORD_REQUEST_H_

#include <string>
#include <string_view>

#include "deadline.h"
#include "result.h"

namespace ms::checkpassword {

inline constexpr size_t kMaxRequest = 512;

struct Request {
  std::string user;
  std::string password;
  std::string timestamp;  // may be empty (APOP challenge; unused here)
  ~Request();             // wipes the password
};

// Parses the bytes read from fd 3.  An Error means misuse (exit 2): too
// long, or fewer than two NUL-terminated fields.
Result<Request> ParseRequest(std::string_view data);

// Reads fd until end of file: at most kMaxRequest octets (more is an
// Error), until deadline.
Result<std::string> ReadRequest(int fd, const Deadline& deadline);

}  // namespace ms::checkpassword

#endif  // MAILSUITE_POP3D_CHECKPASSWORD_REQUEST_H_
