// libFuzzer target: control-file line splitting (lib/control.h).  No value
// is empty, starts with '#', holds a newline or NUL, or ends in white space.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "control.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& value : ms::ParseControlLines(text)) {
    if (value.empty() || value.front() == '#') std::abort();
    if (value.find('\n') != std::string::npos || value.find('\0') != std::string::npos)
      std::abort();
    char last = value.back();
    if (last == ' ' || last == '\t' || last == '\r') std::abort();
  }
  return 0;
}
