#include "remote/message_encoder.h"

namespace ms::remote {

void MessageEncoder::Encode(std::string_view chunk, std::string* out) {
  out->reserve(out->size() + chunk.size() + chunk.size() / 32 + 8);
  for (char c : chunk) {
    if (c == '\n') {
      out->append("\r\n", 2);
      pending_cr_ = false;
      at_line_start_ = true;
      continue;
    }
    if (pending_cr_) {  // the CR before this byte was a lone CR: a line end
      out->append("\r\n", 2);
      pending_cr_ = false;
      at_line_start_ = true;
    }
    if (c == '\r') {
      pending_cr_ = true;
      continue;
    }
    if (at_line_start_ && c == '.') out->push_back('.');
    out->push_back(c);
    at_line_start_ = false;
  }
}

void MessageEncoder::Finish(std::string* out) {
  if (pending_cr_ || !at_line_start_) out->append("\r\n", 2);
  pending_cr_ = false;
  at_line_start_ = true;
  out->append(".\r\n", 3);
}

void ScanMessageChunk(std::string_view chunk, bool* last_was_cr, MessageFacts* facts) {
  facts->crlf_size += chunk.size();
  bool prev_cr = *last_was_cr;
  for (char c : chunk) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == '\n' && !prev_cr) ++facts->crlf_size;
    if (u >= 0x80) facts->eight_bit = true;
    prev_cr = u == '\r';
  }
  *last_was_cr = prev_cr;
}

}  // namespace ms::remote
