// mailsuite-setup --queue DIR: creates the queue layout of
// queue/FORMAT.md.  Run as root, it gives the queue to the `mailsuite`
// user and the `msadmin` group when they exist; as anyone else (tests,
// private instances) it leaves the invoking user as owner.
#ifndef MAILSUITE_SERVICE_SETUP_QUEUE_H_
#define MAILSUITE_SERVICE_SETUP_QUEUE_H_

#include <string>

#include "result.h"

namespace ms::setup {

Status SetUpQueue(const std::string& dir);

// The filter's quarantine (filter/README.md "Quarantine"), outside the
// queue.  For the host (production, as root, the accounts there):
// msfilter:msadmin 2770, so the filter's workers (msfilter) write entries
// and the admins (mailsuite-quarantine) read, release and delete them
// (the set-gid bit gives each entry group msadmin), while the filter
// still cannot enter the queue.  A private instance's: its owner's, 0700
// (one user runs it all).
Status SetUpQuarantine(const std::string& dir, bool production);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_SETUP_QUEUE_H_
