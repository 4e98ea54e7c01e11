// The PostgreSQL side of mailsuite-userdb-sync (libpq): one connection
// that LISTENs on mailsuite_users and reads the tables of
// control/USERDB.md in one read-only snapshot.  Runs in the unprivileged
// reader only (SYNC.md "Privilege"): nothing libpq parses reaches root.
#ifndef MAILSUITE_USERDB_PG_SOURCE_H_
#define MAILSUITE_USERDB_PG_SOURCE_H_

#include <string>
#include <vector>

#include "deadline.h"
#include "result.h"
#include "userdb/snapshot.h"

struct pg_conn;

namespace ms::userdb {

struct Tables {
  std::vector<UserRow> users;
  std::vector<DomainRow> domains;
};

class PgSource {
 public:
  PgSource() = default;
  ~PgSource();
  PgSource(const PgSource&) = delete;
  PgSource& operator=(const PgSource&) = delete;

  // Connects with conninfo (a libpq connection string or URI; our
  // defaults for connect_timeout and TCP keepalives apply unless it sets
  // them) and runs LISTEN mailsuite_users.  Error: the server's or libpq's
  // message.
  Status Connect(const std::string& conninfo);
  void Close();
  bool connected() const { return conn_ != nullptr; }

  // Both tables, read in one READ ONLY REPEATABLE READ transaction.  An
  // Error with code kLost means the connection is gone (reconnect).
  static constexpr int kLost = 1;
  Result<Tables> Read();

  enum class Wait { kChanged, kQuiet, kLost };
  // Waits until a NOTIFY arrives (then drains every notification already
  // here) or the deadline passes.
  Wait WaitForNotify(const Deadline& deadline);

 private:
  // Consumes input and drains notifications; false when the connection broke.
  bool Drain(bool* notified);

  pg_conn* conn_ = nullptr;
};

}  // namespace ms::userdb

#endif  // MAILSUITE_USERDB_PG_SOURCE_H_
