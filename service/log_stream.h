// The services' multilog directories (mailsuite-setup's layout:
// <logs>/<service>/{@*.s,@*.u,current}) read as one stream: each file's
// lines, with their TAI64N stamps, merged in time order.  Used by
// mailsuite-log (and LogFiles by mailsuite-stats).
#ifndef MAILSUITE_SERVICE_LOG_STREAM_H_
#define MAILSUITE_SERVICE_LOG_STREAM_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fd.h"
#include "result.h"

namespace ms::setup {

struct LogEntry {
  std::string stamp;    // "@4000000069223a4e1c0ffee0"; a line without one inherits the previous
  std::string service;  // the log directory's name: smtpd, submission, pop3d, send
  std::string text;     // the line after the stamp, without "\n"
};

// A multilog directory's files, oldest first: rotated @*.s/@*.u, current.
std::vector<std::string> LogFiles(const std::string& dir);
// The service log directories below logs (each holding a current), sorted.
std::vector<std::string> LogServices(const std::string& logs);

// Unix time in nanoseconds of a TAI64N stamp (multilog's, TAI = UTC + 10 s
// as daemontools assumes); nullopt when it is not one.
std::optional<int64_t> StampNanos(std::string_view stamp);
// "2026-12-05 05:01:02.123456" in the local time zone (tai64nlocal's
// form); the stamp unchanged when it is not a TAI64N stamp.
std::string LocalTimeText(std::string_view stamp);

// Splits data into entries; an incomplete last line stays in *partial
// (prepended to the next data).  *last_stamp carries a file's stamp to
// the lines that have none.
void SplitEntries(std::string_view data, const std::string& service, std::string* partial,
                  std::string* last_stamp, std::vector<LogEntry>* out);

// Stable merge by stamp (lower-case hex TAI64N sorts in time order).
void SortByTime(std::vector<LogEntry>* entries);

// Everything the services logged so far, in time order; without the
// current files when a LogFollower reads those.
Result<std::vector<LogEntry>> ReadAllLogs(const std::string& logs, bool with_current = true);

// Follows each service's current file, as `tail -F` would: new lines, and
// a rotation (current renamed to @*.s, a new current) without a loss.
class LogFollower {
 public:
  // Opens each current file at its start: the first Poll returns what
  // they hold (so that nothing is read twice or lost in between).
  explicit LogFollower(const std::string& logs);
  // Lines written since the last call, in time order.
  std::vector<LogEntry> Poll();

 private:
  struct Source {
    std::string service;
    std::string path;
    UniqueFd fd;
    ino_t inode = 0;
    std::string partial;
    std::string last_stamp;
  };
  void Drain(Source* source, std::vector<LogEntry>* out);
  std::string logs_;
  std::vector<Source> sources_;
};

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_LOG_STREAM_H_
