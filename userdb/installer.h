// The root side of mailsuite-userdb-sync (SYNC.md "Privilege"): takes
// frames from the reader's pipe, checks each snapshot itself and writes
// the files that changed, each atomically (temp file, fsync, rename,
// directory fsync), keeping each file's owner and mode.  It never talks
// to the network.
#ifndef MAILSUITE_USERDB_INSTALLER_H_
#define MAILSUITE_USERDB_INSTALLER_H_

#include <string>

#include "result.h"
#include "userdb/snapshot.h"

namespace ms::userdb {

struct InstallTargets {
  std::string users;           // ms::UsersFile()
  std::string rcpthosts;       // control/rcpthosts
  std::string virtualdomains;  // control/virtualdomains
  std::string send_service;    // "" or the send service directory: svc -h it
};

struct InstallReport {
  bool users = false, rcpthosts = false, virtualdomains = false;  // rewritten
};

// Order: users first, then virtualdomains (and mailsuite-send's SIGHUP
// through svc -h, since send reads it only at start and on SIGHUP), then
// rcpthosts, so that smtpd accepts a new domain only once it is routed.
Result<InstallReport> Install(const InstallTargets& targets, const Snapshot& snapshot);

// Whether the users database holds a copy the sync wrote before.
bool HavePreviousCopy(const std::string& users_path);

}  // namespace ms::userdb

#endif  // MAILSUITE_USERDB_INSTALLER_H_
