// mailsuite-quarantine's commands over the quarantine store
// (quarantine_store.h).  Output formats (filter/README.md "Quarantine"):
//   list     one line per entry, oldest first, tab-separated:
//            ID  TIME(UTC, YYYY-MM-DD HH:MM:SS)  SIZE  <SENDER>  RCPT,RCPT  VERDICT
//   show ID  "id", "time", "verdict", "from", "to" lines, an empty line,
//            then the message exactly as stored
//   release ID  hands message and envelope unchanged to $FILTER_NEXT's
//            program (default mailsuite-queue: past the filter, never
//            through it again), then deletes the entry
//   delete ID
// Exit 0 done, 100 bad usage or no such entry, 111 temporary trouble.
#ifndef MAILSUITE_FILTER_QUARANTINE_ADMIN_H_
#define MAILSUITE_FILTER_QUARANTINE_ADMIN_H_

#include <string>
#include <vector>

namespace ms::filter {

int QuarantineCommand(const std::string& dir, const std::vector<std::string>& args);
// Root, or a member of the msadmin group (the mail administrators).
bool MayAdministerQuarantine();

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_QUARANTINE_ADMIN_H_
