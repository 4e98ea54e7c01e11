// The queue on disk: paths, message ids, the message-file header and the
// state-file records.  The protocol itself is queue/FORMAT.md.
#ifndef MAILSUITE_LIB_QUEUE_LAYOUT_H_
#define MAILSUITE_LIB_QUEUE_LAYOUT_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms {

class QueueLayout {
 public:
  explicit QueueLayout(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string tmp() const { return root_ + "/tmp"; }
  std::string mess() const { return root_ + "/mess"; }
  std::string state() const { return root_ + "/state"; }
  std::string bad() const { return root_ + "/bad"; }
  std::string trigger() const { return root_ + "/trigger"; }
  std::string send_lock() const { return root_ + "/lock/sendmutex"; }
  std::string MessPath(std::string_view id) const { return mess() + "/" + std::string(id); }
  std::string StatePath(std::string_view id) const { return state() + "/" + std::string(id); }

 private:
  std::string root_;
};

struct QueueOwners {
  uid_t uid = static_cast<uid_t>(-1);  // -1: leave as created
  gid_t gid = static_cast<gid_t>(-1);  // the admin group that may read
};

// Creates the queue layout under root (idempotent), with the modes of
// FORMAT.md; chowns to owners when given.
Status CreateQueue(const std::string& root, const QueueOwners& owners);

inline constexpr size_t kQueueHeaderSize = 64;

struct QueueHeader {
  uint64_t message_offset = kQueueHeaderSize;
  uint64_t message_length = 0;
  uint64_t envelope_offset = 0;
  uint64_t envelope_length = 0;
  int64_t queued_time = 0;
};

// Exactly kQueueHeaderSize bytes.
std::string FormatQueueHeader(const QueueHeader& header);
// Checks the magic, the numbers and that the parts are consistent with
// file_size (the size of the whole file).
Result<QueueHeader> ParseQueueHeader(std::string_view data, uint64_t file_size);

std::string MakeQueueId(ino_t inode, int64_t unix_usec);
bool IsValidQueueId(std::string_view id);

struct StateRecord {
  size_t index = 0;
  char code = 'Z';  // D, B, b, Z, Y (FORMAT.md)
  int64_t time = 0;
  std::string reason;
};

// One line with '\n'; the reason is sanitised (control chars -> '?',
// at most 1000 octets).
std::string FormatStateRecord(const StateRecord& record);
// Parses a state file; malformed lines (e.g. a torn last append) are
// skipped.  Returns the last record of each index.
std::map<size_t, StateRecord> ParseStateFile(std::string_view data);

// True for D and b: nothing more will happen to that recipient.
inline bool IsFinalState(char code) { return code == 'D' || code == 'b'; }

}  // namespace ms

#endif  // MAILSUITE_LIB_QUEUE_LAYOUT_H_
