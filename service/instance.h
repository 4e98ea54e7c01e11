// What mailsuite-setup prepares: the accounts of the privilege model, the
// control directory with defaults, the users database, and a daemontools
// service directory of run scripts.  Production paths by default; with a
// root directory, a self-contained unprivileged instance (tests, make run).
#ifndef MAILSUITE_SERVICE_INSTANCE_H_
#define MAILSUITE_SERVICE_INSTANCE_H_

#include <string>
#include <vector>

#include "result.h"

namespace ms::setup {

struct Instance {
  std::string root;          // "" for production
  std::string bin;           // where the mailsuite programs are
  std::string control;       // control directory
  std::string queue;         // queue directory
  std::string users;         // users database
  std::string service;       // daemontools service directory (svscan's)
  std::string logs;          // multilog directories live here
  std::string ip = "0";      // tcpserver's local address
  int smtp_port = 25;
  int submission_port = 587;
  int pop3_port = 110;
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

// Groups mailsuite, msadmin; users mailsuite, msremote, msdaemon, mslog
// (system accounts, no shell).  Idempotent.  Root only.
Status CreateAccounts();

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

// Creates the users database file (empty) if missing.
Status CreateUsersDatabase(const Instance& instance);

// Writes path with content and mode unless it already holds exactly that.
Status WriteIfChanged(const std::string& path, const std::string& content, int mode);
Status MakeDirectory(const std::string& path, int mode);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_INSTANCE_H_
