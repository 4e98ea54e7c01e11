// One consistent copy of the PostgreSQL tables of control/USERDB.md as
// the three files mailsuite-userdb-sync writes: the users database
// (control/USERS.md's format), control/rcpthosts and control/virtualdomains.
//
// Pure functions on rows, so that the rules for what a row may hold are
// tested without a database (tests/unit/userdb_snapshot.cc), and the
// frame that carries a snapshot from the unprivileged reader to the root
// installer (SYNC.md "Privilege") is fuzzed (tests/fuzz/fuzz_userdb_frame.cc).
#ifndef MAILSUITE_USERDB_SNAPSHOT_H_
#define MAILSUITE_USERDB_SNAPSHOT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::userdb {

// A row of mailsuite_users as text (libpq's text format); nullopt = SQL NULL.
struct UserRow {
  std::string address, uid, gid, home;
  std::optional<std::string> password_hash, quota_bytes, quota_count;
};

// A row of mailsuite_domains.  kind: "mailbox" (rcpthosts and
// virtualdomains) or "relay" (rcpthosts only).
struct DomainRow {
  std::string domain, kind;
};

// What the sync writes.  users starts with kUsersHeader.
struct Snapshot {
  std::string users, rcpthosts, virtualdomains;
  bool operator==(const Snapshot&) const = default;
};

// The first line of a users database the sync wrote: how a later start
// knows that a previous good copy exists (SYNC.md "First start").
inline constexpr std::string_view kUsersHeader =
    "# written by mailsuite-userdb-sync from PostgreSQL (control/USERDB.md): edits here are "
    "overwritten\n";

struct BuildResult {
  Snapshot snapshot;
  std::vector<std::string> warnings;  // to log; the snapshot is still good
};

// Builds the files.  A row that breaks a rule of control/USERS.md (or a
// domain that is not a host name) is an Error naming it: the caller keeps
// the last good copy rather than write a table it half understood (a
// dropped row would delete a mailbox).  backup_mx: every domain is
// written to rcpthosts only (a backup MX queues and hands over, it never
// delivers: SYNC.md "Backup MX").
Result<BuildResult> BuildSnapshot(const std::vector<UserRow>& users,
                                  const std::vector<DomainRow>& domains, bool backup_mx);

// Whether the users database text is one the sync wrote.
bool WrittenBySync(std::string_view users_text);

// The frame on the pipe from the reader to the installer: three
// netstrings (users, rcpthosts, virtualdomains), each at most kMaxFile.
inline constexpr size_t kMaxFile = 256u << 20;
std::string EncodeFrame(const Snapshot& snapshot);

// Decodes one frame from the front of *buffer and removes it.  nullopt:
// incomplete, read more.  Error: malformed (the installer stops).
Result<std::optional<Snapshot>> DecodeFrame(std::string* buffer);

// What the installer checks before it writes anything, whatever the
// reader sent: the users text parses without one malformed line and starts
// with kUsersHeader; the control files are lines without NUL.
Status CheckSnapshot(const Snapshot& snapshot);

}  // namespace ms::userdb

#endif  // MAILSUITE_USERDB_SNAPSHOT_H_
