// libFuzzer target: the DATA encoder of mailsuite-remote
// (remote/message_encoder.h).  Invariant checked: whatever the stored
// message holds, and however it is cut into chunks, the encoded stream
// has bare CR/LF nowhere, and a line holding only "." nowhere but at its
// very end — no receiver can see the end of DATA early.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "remote/message_encoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 97;
  std::string_view message(reinterpret_cast<const char*>(data) + 1, size - 1);
  ms::remote::MessageEncoder encoder;
  std::string out;
  for (size_t pos = 0; pos < message.size(); pos += step) encoder.Encode(message.substr(pos, step), &out);
  encoder.Finish(&out);
  if (out.size() < 3 || out.compare(out.size() - 3, 3, ".\r\n") != 0) __builtin_trap();
  size_t line_start = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') {
      if (i + 1 >= out.size() || out[i + 1] != '\n') __builtin_trap();  // bare CR
      std::string_view line(out.data() + line_start, i - line_start);
      if (line == "." && i + 2 != out.size()) __builtin_trap();        // early end of DATA
      line_start = i + 2;
      ++i;
    } else if (out[i] == '\n') {
      __builtin_trap();  // bare LF
    }
  }
  return 0;
}
