// ClamAV's clamd, INSTREAM command (clamd(8)): "zINSTREAM\0", then the
// message in chunks each preceded by its length as 4 octets in network
// order, then a zero length; clamd answers "stream: OK\0",
// "stream: NAME FOUND\0" or "... ERROR\0" and closes.  A message larger
// than clamd's StreamMaxLength gets "INSTREAM size limit exceeded. ERROR"
// and is, like every error, a temporary failure unless clamdfailopen.
#ifndef MAILSUITE_FILTER_CLAMD_CLIENT_H_
#define MAILSUITE_FILTER_CLAMD_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "deadline.h"

namespace ms::filter {

struct ClamResult {
  enum Kind { kClean, kFound, kError } kind = kError;
  std::string detail;  // the virus name, or what went wrong
};

// Scans the len octets of fd (a regular file) from offset 0.
ClamResult ClamdScan(std::string_view spec, int fd, uint64_t len, const Deadline& deadline);
// Parses clamd's reply (for tests).
ClamResult ParseClamdReply(std::string_view reply);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_CLAMD_CLIENT_H_
