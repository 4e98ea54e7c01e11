// What mailsuite-setup prepares: the accounts of the privilege model, the
// control directory with defaults, the users database, and a daemontools
// service directory of run scripts.  Production paths by default; with a
// root directory, a self-contained unprivileged instance (tests, make run).
#ifndef MAILSUITE_SERVICE_INSTANCE_H_
#define MAILSUITE_SERVICE_INSTANCE_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::setup {

struct Instance {
  std::string root;          // "" for production
  std::string bin;           // where the mailsuite programs are
  std::string control;       // control directory
  std::string queue;         // queue directory
  std::string quarantine;    // the filter's quarantine (lib/paths.h QuarantineDir)
  std::string users;         // users database
  std::string service;       // daemontools service directory (svscan's)
  std::string logs;          // multilog directories live here
  std::string ip = "0";      // tcpserver's local address
  int smtp_port = 25;
  int submission_port = 587;
  int pop3_port = 110;
  int qmqp_port = 628;       // the qmqpd service (written with a down file)
  std::string me;            // host name for control/me
  // Accounts the services switch to (empty: they run as the invoker).
  std::string daemon_user;   // smtpd, rblsmtpd, pop3d before login
  std::string log_user;      // multilog
  bool switch_users = false;
  // A private instance set up by root runs every service as this user.
  std::string run_as;
};

// Production layout: /etc/mailsuite, /var/spool/mailsuite, /var/log/mailsuite.
Instance ProductionInstance(const std::string& bin, const std::string& me);
// Everything under root, run as the invoking user.
Instance RootInstance(const std::string& root, const std::string& bin, const std::string& me);

// The service accounts, each a system account (no shell, no home) with its
// own primary group of the same name.  A new service adds one name here
// (INSTALL section 2 lists what each runs).
inline constexpr const char* kServiceAccounts[] = {"mailsuite", "msremote", "msdaemon", "mslog",
                                                   "msfilter", "msuserdb"};
// Groups without an account: msadmin may read the queue.
inline constexpr const char* kAdminGroups[] = {"msadmin"};

// Creates the groups and accounts above; moves an account still in the
// old shared group mailsuite to its own.  Idempotent.  Root only.
Status CreateAccounts();

struct Ids {
  uid_t uid = 0;
  gid_t gid = 0;
};
// getpwnam_r / getgrnam_r: the ids copied, nothing kept in a static buffer.
std::optional<Ids> UserIds(const std::string& name);
std::optional<gid_t> GroupId(const std::string& name);

// Writes each default control file that does not exist yet (an operator's
// edit is never overwritten).
Status WriteControlDefaults(const Instance& instance);

// Writes the run scripts (smtpd, pop3d, send, and their log/run) and the
// tcpserver rules.  Rewrites a file only when its content changed, so a
// second run leaves the tree as it was.
Status WriteServices(const Instance& instance);

// Production modes: mailsuite-queue set-uid mailsuite (04711),
// mailsuite-checkpassword set-uid root for group msdaemon only (04750).
Status SetProgramModes(const std::string& bin);

// chown -R of a private instance's tree to user (its services run as it).
Status GiveTreeTo(const std::string& root, const std::string& user);

// Creates the users database file (empty, 0600) if missing; then
// ProtectSecrets.
Status CreateUsersDatabase(const Instance& instance);
// Production: the users database and control/servercert.pem root:root
// 0600 (the processes that read them are root when they do).
Status ProtectSecrets(const Instance& instance);

// Writes path with content and mode unless it already holds exactly that.
Status WriteIfChanged(const std::string& path, const std::string& content, int mode);
Status MakeDirectory(const std::string& path, int mode);
// mkdir -p: the missing parents 0755 (a fresh host has no /etc/mailsuite).
Status MakeDirectories(const std::string& path, int mode);

// A run script carries a stamp line after its #! line (kStampPrefix and a
// checksum of the rest).  WriteRunScript replaces a script only when it
// is missing or still exactly what setup wrote (its stamp matches); an
// edited script stays, the new one goes to PATH.new, and setup says so on
// stderr.  A script that is already current is left alone (and a stale
// PATH.new removed).
inline constexpr const char* kStampPrefix = "# mailsuite-setup wrote this; edits are kept (new version then in run.new): ";
std::string RunScriptStamp(std::string_view body);
Status WriteRunScript(const std::string& path, const std::string& script);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_INSTANCE_H_
