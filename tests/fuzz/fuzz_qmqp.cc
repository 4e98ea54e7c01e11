// qmqp/: the QMQP request parser (what mailsuite-qmqpd reads from the
// network) and the reply parser (what mailsuite-qmqpc reads back).  The
// input is fed in pieces whose sizes come from the first octet, so every
// split point is tried.  Invariants: the parser always makes progress,
// never reports more message octets than the declared length, never
// completes with zero recipients, an address over the limit or a NUL in
// an address, and a completed request re-encodes to the octets it took.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "qmqp/qmqp_reply.h"
#include "qmqp/qmqp_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 17;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  ms::qmqp::RequestLimits limits;
  limits.max_message = 4096;
  limits.max_address = 64;
  limits.max_recipients = 8;
  ms::qmqp::RequestParser parser(limits);
  std::string message;
  size_t pos = 0;
  int starts = 0;
  for (;;) {
    std::string_view piece = input.substr(pos, step);
    size_t used = 0;
    auto event = parser.Feed(piece, &used);
    if (used > piece.size()) std::abort();
    pos += used;
    using Event = ms::qmqp::RequestParser::Event;
    if (event == Event::kNeedMore) {
      if (used != piece.size()) std::abort();
      if (pos == input.size()) break;
      continue;
    }
    if (event == Event::kMessageStart) {
      if (++starts > 1 || parser.message_length() > limits.max_message) std::abort();
      continue;
    }
    if (event == Event::kMessageData) {
      if (parser.message_data().empty()) std::abort();
      message.append(parser.message_data());
      if (message.size() > parser.message_length()) std::abort();
      continue;
    }
    if (event == Event::kRefused) {
      if (parser.error() == ms::qmqp::RequestError::kNone) std::abort();
      if (ms::qmqp::RefusalText(parser.error(), limits).find(" (#5.") == std::string::npos) std::abort();
      break;
    }
    // kComplete
    if (message.size() != parser.message_length()) std::abort();
    const auto& rcpts = parser.recipients();
    if (rcpts.empty() || rcpts.size() > limits.max_recipients) std::abort();
    for (const std::string& a : rcpts)
      if (a.size() > limits.max_address || a.find('\0') != std::string::npos) std::abort();
    if (parser.sender().size() > limits.max_address) std::abort();
    if (ms::qmqp::EncodeRequest(message, parser.sender(), rcpts) != input.substr(0, pos)) std::abort();
    break;
  }
  ms::qmqp::Reply reply;
  if (ms::qmqp::ParseReply(input, &reply) == ms::qmqp::ReplyParse::kDone) {
    if (reply.letter != 'K' && reply.letter != 'Z' && reply.letter != 'D') std::abort();
    for (char c : reply.text)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) >= 127) std::abort();
    (void)ms::qmqp::Fd6Text(reply);
  }
  return 0;
}
