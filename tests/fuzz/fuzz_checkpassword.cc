// libFuzzer target: the checkpassword request on fd 3
// (pop3d/checkpassword_request.h).  Parsed fields never hold a NUL and
// never exceed the request.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pop3d/checkpassword_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = ms::checkpassword::ParseRequest(text);
  if (r.ok()) {
    if (size > ms::checkpassword::kMaxRequest) std::abort();
    for (const std::string* f : {&r->user, &r->password, &r->timestamp})
      if (f->find('\0') != std::string::npos) std::abort();
    if (r->user.size() + r->password.size() + 2 > size) std::abort();
  }
  return 0;
}
