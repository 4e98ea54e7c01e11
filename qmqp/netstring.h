// Netstrings (D. J. Bernstein, cr.yp.to/proto/netstrings.txt): LEN ":"
// BYTES "," with LEN the decimal length of BYTES.  QMQP (QMQP.md) is a
// netstring of netstrings.  The length is read one digit at a time, so a
// length over the caller's limit is refused at the digit that passes it,
// before any of the bytes it announces are read.
#ifndef MAILSUITE_QMQP_NETSTRING_H_
#define MAILSUITE_QMQP_NETSTRING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ms::qmqp {

// LEN ":" data ",".
std::string EncodeNetstring(std::string_view data);
// Just LEN ":" (for a netstring whose bytes are written separately).
std::string NetstringPrefix(uint64_t length);

// Reads LEN ":" octet by octet.  Leading zeros are refused (the netstring
// description allows "0" only for the empty string), as is anything but
// digits before the colon.
class NetstringLength {
 public:
  enum class State { kMore, kDone, kMalformed, kTooLong };
  explicit NetstringLength(uint64_t max) : max_(max) {}
  State Feed(char c);
  uint64_t value() const { return value_; }
  // Octets consumed so far (the digits and, once kDone, the colon).
  size_t octets() const { return octets_; }

 private:
  uint64_t max_;
  uint64_t value_ = 0;
  size_t octets_ = 0;
  State state_ = State::kMore;
};

// One whole netstring at the start of in, at most max bytes long: kDone
// with *content and *used (octets of in it took), kMore when in holds only
// part of it.
NetstringLength::State ParseNetstring(std::string_view in, uint64_t max, std::string_view* content,
                                      size_t* used);

}  // namespace ms::qmqp

#endif  // MAILSUITE_QMQP_NETSTRING_H_
