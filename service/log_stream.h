// The services' multilog directories (mailsuite-setup's layout:
// <logs>/<service>/{@*.s,@*.u,current}) read as one stream: each file's
// lines, with their TAI64N stamps, merged in time order.  Used by
// mailsuite-log (and LogFiles by mailsuite-stats).
#ifndef MAILSUITE_SERVICE_LOG_STREAM_H_
#define MAILSUITE_SERVICE_LOG_STREAM_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
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

// One service's log read line by line, oldest first: the rotated files,
// then current, where it stays (open) for following.  Memory is one read
// buffer's lines, whatever the size of the logs.
class ServiceLog {
 public:
  ServiceLog(const std::string& logs, const std::string& service);
  // The next line, or nullptr when everything written so far is read.
  const LogEntry* Peek();
  void Pop() { pending_.pop_front(); }
  // When multilog has renamed current (to @*.s) and begun a new one: the
  // rest of the old file is read, then the new one.
  void FollowRotation();

 private:
  bool ReadMore();  // false: at the end of current, for now
  void EndOfFile();
  std::string dir_;
  std::string service_;
  std::vector<std::string> files_;
  size_t next_file_ = 0;
  UniqueFd fd_;
  ino_t inode_ = 0;
  std::string partial_;
  std::string last_stamp_;
  std::deque<LogEntry> pending_;
};

// Every service below logs merged into one stream in time order (each
// service's lines are in order already; the merge takes the earliest
// head).  Next() is false when all written so far is read; with -f the
// caller calls FollowRotations() and Next() again later.
class LogMerge {
 public:
  static Result<LogMerge> Open(const std::string& logs);
  bool Next(LogEntry* out);
  void FollowRotations();

 private:
  std::vector<ServiceLog> services_;
};

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_LOG_STREAM_H_
