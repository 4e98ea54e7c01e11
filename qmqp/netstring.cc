#include "qmqp/netstring.h"

namespace ms::qmqp {

std::string NetstringPrefix(uint64_t length) { return std::to_string(length) + ":"; }

std::string EncodeNetstring(std::string_view data) {
  std::string out = NetstringPrefix(data.size());
  out.append(data);
  out.push_back(',');
  return out;
}

NetstringLength::State NetstringLength::Feed(char c) {
  if (state_ != State::kMore) return state_;
  ++octets_;
  if (c == ':') {
    state_ = octets_ == 1 ? State::kMalformed : State::kDone;
  } else if (c < '0' || c > '9') {
    state_ = State::kMalformed;
  } else if (octets_ == 2 && value_ == 0) {
    state_ = State::kMalformed;  // a leading zero
  } else {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    // value_ * 10 + digit > max_, without overflowing.
    if (digit > max_ || value_ > (max_ - digit) / 10) {
      state_ = State::kTooLong;
    } else {
      value_ = value_ * 10 + digit;
    }
  }
  return state_;
}

NetstringLength::State ParseNetstring(std::string_view in, uint64_t max, std::string_view* content,
                                      size_t* used) {
  NetstringLength length(max);
  size_t i = 0;
  NetstringLength::State state = NetstringLength::State::kMore;
  while (i < in.size() && state == NetstringLength::State::kMore) state = length.Feed(in[i++]);
  if (state != NetstringLength::State::kDone) return state;
  uint64_t n = length.value();
  if (in.size() - i <= n) return NetstringLength::State::kMore;
  if (in[i + n] != ',') return NetstringLength::State::kMalformed;
  *content = in.substr(i, n);
  *used = i + n + 1;
  return NetstringLength::State::kDone;
}

}  // namespace ms::qmqp
