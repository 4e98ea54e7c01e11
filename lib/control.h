// Control files: one value per line under the control directory.
//   - a single-value file uses its first non-comment line;
//   - a line starting with '#' is a comment; trailing white space is
//     dropped; empty lines are skipped in list files;
//   - a missing file means the default; any other read error is an Error
//     naming the file (programs map it to their "configuration" exit).
#ifndef MAILSUITE_LIB_CONTROL_H_
#define MAILSUITE_LIB_CONTROL_H_

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms {

// Splits a control file's text into its values (comments and blank lines
// removed, trailing white space dropped).  NUL bytes end a line's value.
std::vector<std::string> ParseControlLines(std::string_view text);

// A pooled smtpd session worker (tcpserver/SMTPD_WORKERS.md) serves many
// connections from one process.  After KeepControlFiles() every Control in
// the process keeps what it read, a missing file included, until
// ForgetControlFiles(); the worker calls that when mailsuite-tcpserver's
// watch of the control directory (lib/control_watch.h) saw a change since
// its last connection, so a change still reaches the next connection, as
// with a process per connection.  Without it (every other program) each
// call reads the file.
void KeepControlFiles();
void ForgetControlFiles();

class Control {
 public:
  // dir defaults to ControlDir().
  Control();
  explicit Control(std::string dir);

  const std::string& dir() const { return dir_; }
  std::string PathOf(std::string_view name) const;

  // First value of the file, or fallback when missing or empty.
  Result<std::string> Line(std::string_view name, std::string_view fallback) const;
  // Every value of the file; empty when missing.
  Result<std::vector<std::string>> Lines(std::string_view name) const;
  // First value as a decimal integer in [min, max]; fallback when missing.
  // A malformed or out-of-range value is an Error naming the file.
  Result<long> Number(std::string_view name, long fallback, long min, long max) const;
  // `me`, falling back to the host name.
  Result<std::string> Me() const;
  // Line(name, Me()): the qmail convention for files that default to `me`.
  Result<std::string> LineOrMe(std::string_view name) const;
  // Whether the file exists (access F_OK), for files read by other means
  // (servercert.pem: only the TLS code reads the key).
  bool Exists(std::string_view name) const;
  // Whether key is in the cdb file name (e.g. "morercpthosts.cdb").  A
  // missing cdb is "no".
  Result<bool> CdbContains(std::string_view name, std::string_view key) const;
  // The data stored for key in a cdb, if any.
  Result<std::vector<std::string>> CdbLookup(std::string_view name, std::string_view key) const;

 private:
  std::string dir_;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_CONTROL_H_
