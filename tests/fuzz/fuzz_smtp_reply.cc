// libFuzzer target: the SMTP reply parser and EHLO keyword parser
// (remote/reply.h), fed the input in chunks whose sizes come from the
// input itself, as replies arrive from a hostile server in pieces.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "remote/reply.h"
#include "remote/smtp_session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  ms::remote::ReplyParser parser;
  ms::remote::Reply reply;
  for (size_t pos = 0; pos < input.size(); pos += step) {
    parser.Feed(input.substr(pos, step));
    for (;;) {
      auto state = parser.Next(&reply);
      if (state != ms::remote::ReplyParser::State::kReply) break;
      std::string joined = reply.Joined();
      if (joined.size() > ms::remote::kMaxReplyText) __builtin_trap();
      if (joined.find('\0') != std::string::npos) __builtin_trap();
      if (reply.code < 200 || reply.code > 599) __builtin_trap();
      (void)ms::remote::ParseEhloReply(reply);
    }
  }
  return 0;
}
