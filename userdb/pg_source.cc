#include "userdb/pg_source.h"

#include <libpq-fe.h>

namespace ms::userdb {

namespace {

// RAII for a PGresult.
struct ResultHolder {
  explicit ResultHolder(PGresult* r) : res(r) {}
  ~ResultHolder() { PQclear(res); }
  ResultHolder(const ResultHolder&) = delete;
  ResultHolder& operator=(const ResultHolder&) = delete;
  PGresult* res;
};

std::string ConnError(PGconn* conn) {
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text)
    if (c == '\n') c = ' ';
  return text.empty() ? "unknown libpq error" : text;
}

std::optional<std::string> Value(PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::nullopt;
  return std::string(PQgetvalue(res, row, col), static_cast<size_t>(PQgetlength(res, row, col)));
}

}  // namespace

PgSource::~PgSource() { Close(); }

void PgSource::Close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

Status PgSource::Connect(const std::string& conninfo) {
  Close();
  // Ours first, then the operator's string (expanded from dbname), whose
  // settings override ours: a dead server or a silent network is noticed
  // within seconds, not after the kernel's two hours of keepalive.
  const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "tcp_user_timeout", "application_name", "dbname",
                        nullptr};
  const char* values[] = {"5", "1", "10", "5", "3", "20000", "mailsuite-userdb-sync",
                          conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr) return MakeError("out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string e = ConnError(conn);
    PQfinish(conn);
    return MakeError(e);
  }
  // LISTEN before the first read: a change committed after it is
  // announced, one committed before it is in the read.
  ResultHolder listen(PQexec(conn, "LISTEN mailsuite_users"));
  if (PQresultStatus(listen.res) != PGRES_COMMAND_OK) {
    std::string e = ConnError(conn);
    PQfinish(conn);
    return MakeError("LISTEN failed: " + e);
  }
  conn_ = conn;
  return Ok{};
}

Result<Tables> PgSource::Read() {
  if (conn_ == nullptr) return MakeError("not connected", kLost);
  auto lost_or = [this](const std::string& what) -> Error {
    bool lost = PQstatus(conn_) != CONNECTION_OK;
    std::string e = what + ": " + ConnError(conn_);
    if (lost) Close();
    else { ResultHolder r(PQexec(conn_, "ROLLBACK")); }
    return MakeError(e, lost ? kLost : 0);
  };
  {
    ResultHolder begin(PQexec(conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    if (PQresultStatus(begin.res) != PGRES_COMMAND_OK) return lost_or("BEGIN");
  }
  Tables t;
  {
    ResultHolder users(PQexec(conn_,
                              "SELECT address, uid::text, gid::text, home, password_hash, "
                              "quota_bytes::text, quota_count::text FROM mailsuite_users"));
    if (PQresultStatus(users.res) != PGRES_TUPLES_OK) return lost_or("reading mailsuite_users");
    if (PQnfields(users.res) != 7) return lost_or("mailsuite_users");
    for (int i = 0, n = PQntuples(users.res); i < n; ++i) {
      UserRow row;
      row.address = Value(users.res, i, 0).value_or("");
      row.uid = Value(users.res, i, 1).value_or("");
      row.gid = Value(users.res, i, 2).value_or("");
      row.home = Value(users.res, i, 3).value_or("");
      row.password_hash = Value(users.res, i, 4);
      row.quota_bytes = Value(users.res, i, 5);
      row.quota_count = Value(users.res, i, 6);
      t.users.push_back(std::move(row));
    }
  }
  {
    ResultHolder domains(PQexec(conn_, "SELECT domain, kind FROM mailsuite_domains"));
    if (PQresultStatus(domains.res) != PGRES_TUPLES_OK) return lost_or("reading mailsuite_domains");
    for (int i = 0, n = PQntuples(domains.res); i < n; ++i)
      t.domains.push_back({Value(domains.res, i, 0).value_or(""), Value(domains.res, i, 1).value_or("")});
  }
  ResultHolder commit(PQexec(conn_, "COMMIT"));
  if (PQresultStatus(commit.res) != PGRES_COMMAND_OK) return lost_or("COMMIT");
  return t;
}

bool PgSource::Drain(bool* notified) {
  if (PQconsumeInput(conn_) == 0) return false;
  while (PGnotify* n = PQnotifies(conn_)) {
    *notified = true;
    PQfreemem(n);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

PgSource::Wait PgSource::WaitForNotify(const Deadline& deadline) {
  if (conn_ == nullptr) return Wait::kLost;
  bool notified = false;
  // Notifications that arrived with an earlier reply are already queued.
  while (PGnotify* n = PQnotifies(conn_)) {
    notified = true;
    PQfreemem(n);
  }
  while (!notified) {
    WaitResult w = WaitReadable(PQsocket(conn_), deadline);
    if (w == WaitResult::kTimeout) return Wait::kQuiet;
    if (w == WaitResult::kError || !Drain(&notified)) {
      Close();
      return Wait::kLost;
    }
  }
  return Wait::kChanged;
}

}  // namespace ms::userdb
