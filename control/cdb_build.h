// Writing cdb files (libowfat cdb_make) atomically: the tools that compile
// control files (mailsuite-newmrh) build NAME.cdb.tmp, fsync it and rename
// it over NAME.cdb, so readers see the old or the new table, never half.
#ifndef MAILSUITE_CONTROL_CDB_BUILD_H_
#define MAILSUITE_CONTROL_CDB_BUILD_H_

#include <string>
#include <vector>

#include "result.h"

namespace ms::control {

struct CdbRecord {
  std::string key;
  std::string data;
};

Status WriteCdbAtomic(const std::string& path, const std::vector<CdbRecord>& records, int mode);

// morercpthosts -> morercpthosts.cdb in control_dir: one key per value,
// lower-cased, empty data (as qmail-newmrh).
Status CompileMoreRcptHosts(const std::string& control_dir);

}  // namespace ms::control

#endif  // MAILSUITE_CONTROL_CDB_BUILD_H_
