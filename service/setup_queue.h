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

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_SETUP_QUEUE_H_
