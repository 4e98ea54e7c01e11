// Reading a cdb (D. J. Bernstein's constant database, libowfat's reader)
// that is already open: every record stored under a key.
#ifndef MAILSUITE_LIB_CDB_LOOKUP_H_
#define MAILSUITE_LIB_CDB_LOOKUP_H_

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms {

// The data of every record for key in the cdb open on fd, in file order
// (empty when there is none).  path only names the file in errors.  A
// corrupt file (a record longer than the file, a truncated table) is an
// Error, never a crash or a huge allocation.
Result<std::vector<std::string>> CdbLookupFd(int fd, const std::string& path, std::string_view key);

}  // namespace ms

#endif  // MAILSUITE_LIB_CDB_LOOKUP_H_
