#include "smtpd/data_decoder.h"

#include "smtpd/config.h"

namespace ms::smtpd {

namespace {

bool StartsWith(const char* start, size_t len, std::string_view name) {
  return len >= name.size() && std::string_view(start, name.size()) == name;
}

}  // namespace

void DataDecoder::CountHop() {
  if (StartsWith(field_start_, field_len_, "received:") ||
      StartsWith(field_start_, field_len_, "delivered-to:"))
    ++hops_;
  field_len_ = 0;
}

void DataDecoder::Emit(char c, std::string* out) {
  ++octets_;
  line_empty_ = false;
  if (in_header_) {
    if (++header_bytes_ > max_header_bytes_) header_too_big_ = true;
    if (field_len_ < sizeof field_start_)
      field_start_[field_len_++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (!discard_) out->push_back(c);
}

void DataDecoder::EndLine(std::string* out) {
  octets_ += 2;
  if (in_header_) {
    if (line_empty_) {
      in_header_ = false;  // the blank line ends the header
    } else {
      if ((header_bytes_ += 1) > max_header_bytes_) header_too_big_ = true;
      CountHop();
    }
  }
  line_empty_ = true;
  if (!discard_) out->push_back('\n');
}

size_t DataDecoder::Feed(std::string_view in, std::string* out) {
  size_t i = 0;
  while (i < in.size() && state_ != State::kDone) {
    char c = in[i];
    switch (state_) {
      case State::kLineStart:
        if (c == '.' && !chunked_) state_ = State::kDot;
        else if (c == '\r') state_ = State::kCr;
        else if (c == '\n') { bare_lf_ = true; Emit(c, out); state_ = State::kInLine; }
        else { Emit(c, out); state_ = State::kInLine; }
        ++i;
        break;
      case State::kDot:
        if (c == '\r') { state_ = State::kDotCr; ++i; break; }
        if (c == '\n') bare_lf_ = true;
        Emit(c, out);  // the first dot of a stuffed line is dropped
        state_ = State::kInLine;
        ++i;
        break;
      case State::kDotCr:
        if (c == '\n') { state_ = State::kDone; ++i; break; }
        // ".\r" then something else: a bare CR; the '.' was a line of its
        // own only if CRLF followed.  Keep what the client sent, reprocess c.
        bare_cr_ = true;
        Emit('.', out);
        Emit('\r', out);
        state_ = State::kInLine;
        break;
      case State::kInLine:
        if (c == '\r') state_ = State::kCr;
        else { if (c == '\n') bare_lf_ = true; Emit(c, out); }
        ++i;
        break;
      case State::kCr:
        if (c == '\n') { EndLine(out); state_ = State::kLineStart; ++i; break; }
        bare_cr_ = true;
        Emit('\r', out);
        state_ = State::kInLine;  // reprocess c inside the line
        break;
      case State::kDone:
        break;
    }
  }
  return i;
}

void DataDecoder::EndChunked(std::string* out) {
  if (state_ == State::kCr) {
    bare_cr_ = true;
    Emit('\r', out);
  }
  state_ = State::kDone;
}

const char* MessageRefusal(const DataDecoder& decoder, uint64_t databytes) {
  if (decoder.bare_lf() || decoder.bare_cr())
    return "554 5.6.0 message refused: bare CR or LF in the data; lines must end with CRLF";
  if (databytes && decoder.octets() > databytes) return "552 5.3.4 message size exceeds fixed maximum message size";
  if (decoder.header_too_big()) return "552 5.3.4 message header section too large";
  if (decoder.hops() > kMaxHops) return "554 5.4.6 too many hops, this message is looping";
  return nullptr;
}

}  // namespace ms::smtpd
