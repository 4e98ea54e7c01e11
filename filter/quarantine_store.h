// The quarantine: messages held by the filter (action quarantine, a virus
// with control/clamdaction quarantine), each stored whole with its
// envelope and verdict in one file QUARANTINE/ID (lib/paths.h
// QuarantineDir(): /var/spool/mailsuite-quarantine), written as the
// queue writes (an unnamed file, fsynced, then linked under its name), so
// a crash leaves either the whole entry or nothing.
//
// ID is "SECONDS.MICROSECONDS.PID" (unique: one filter process writes one
// entry per message).  File format (version 1):
//
//   mailsuite-quarantine 1\n
//   time SECONDS\n
//   verdict TEXT\n              (one line: control characters as '?')
//   envelope-length N\n
//   message-length N\n
//   \n
//   ENVELOPE (qmail-queue format, N octets) MESSAGE (N octets)
#ifndef MAILSUITE_FILTER_QUARANTINE_STORE_H_
#define MAILSUITE_FILTER_QUARANTINE_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "envelope.h"
#include "result.h"

namespace ms::filter {

bool IsValidQuarantineId(std::string_view id);

// Stores the len octets of message_fd (from offset 0).  Returns the ID.
Result<std::string> StoreInQuarantine(const std::string& dir, const Envelope& envelope, std::string_view verdict,
                                      int message_fd, uint64_t len);

struct QuarantineEntry {
  std::string id;
  int64_t time = 0;
  std::string verdict;
  Envelope envelope;
  uint64_t message_offset = 0;  // in the file
  uint64_t message_length = 0;
};
// Parses an entry's file header (and envelope) from the file's first
// octets; Error when it is not a complete version-1 entry.
Result<QuarantineEntry> ParseQuarantineHeader(std::string_view data, uint64_t file_size);
Result<QuarantineEntry> ReadQuarantineEntry(const std::string& dir, std::string_view id);
// IDs in the directory, oldest first.
Result<std::vector<std::string>> ListQuarantine(const std::string& dir);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_QUARANTINE_STORE_H_
