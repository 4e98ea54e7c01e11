// POSIX cksum(1) and the Spamhaus datafeed trailer "# CKSUM: <crc> <bytes>"
// (the cksum of the whole file without that last line).
#ifndef MAILSUITE_RBLCHECK_CKSUM_H_
#define MAILSUITE_RBLCHECK_CKSUM_H_

#include <cstdint>
#include <string_view>

#include "result.h"

namespace ms::rbl {

// The CRC cksum(1) prints for data.
uint32_t PosixCksum(std::string_view data);

enum class TrailerState { kAbsent, kValid };

// Checks the trailer when the last line is one; on success *body is the
// data without it.  A trailer that does not match is an Error naming both
// values.
Result<TrailerState> VerifyCksumTrailer(std::string_view file, std::string_view* body);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_CKSUM_H_
