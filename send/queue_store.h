// mailsuite-send's access to the queue (queue/FORMAT.md): loading a
// message's header and envelope, appending state records, finishing,
// and the periodic clean-up of tmp/ and orphan state files.
#ifndef MAILSUITE_SEND_QUEUE_STORE_H_
#define MAILSUITE_SEND_QUEUE_STORE_H_

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "envelope.h"
#include "fd.h"
#include "queue_layout.h"
#include "result.h"

namespace ms::send {

struct StoredMessage {
  std::string id;
  QueueHeader header;
  Envelope envelope;
  std::map<size_t, StateRecord> states;  // last record per recipient
  bool has_state_file = false;
};

enum class LoadError { kNone, kGone, kBad, kTemporary };

class QueueStore {
 public:
  explicit QueueStore(QueueLayout layout) : layout_(std::move(layout)) {}
  const QueueLayout& layout() const { return layout_; }

  Result<StoredMessage> Load(const std::string& id, LoadError* error) const;
  // Opens mess/ID read-only for a deliverer's fd 0.
  Result<UniqueFd> OpenMessage(const std::string& id) const;
  // Reads `length` bytes of the message region from `offset` (the header
  // part for a bounce).
  Result<std::string> ReadMessagePart(const std::string& id, uint64_t offset,
                                      uint64_t length) const;
  // Appends records in one write and fdatasyncs; the first append creates
  // the file and syncs state/ so the file itself survives a crash.
  Status AppendStates(const std::string& id, const std::vector<StateRecord>& records,
                      bool* created) const;
  // FORMAT.md "Finishing": unlink mess/ID, then state/ID (skipped when
  // we know there is none: one system call less per message).
  void Finish(const std::string& id, bool has_state_file) const;
  // Moves an unparsable mess/ID to bad/ (never deletes it).
  Status MoveToBad(const std::string& id) const;

  std::vector<std::string> ListMessages() const;
  // Deletes tmp/ files older than 60 s whose writer is gone (flock
  // free), and state/ files without a message whose id is not in `live`.
  // Returns what it removed, for the log.
  std::vector<std::string> CleanTmp(int64_t now) const;
  template <typename IsLive>
  std::vector<std::string> CleanOrphanStates(IsLive is_live) const;

 private:
  std::vector<std::string> ListIds(const std::string& dir) const;
  QueueLayout layout_;
};

template <typename IsLive>
std::vector<std::string> QueueStore::CleanOrphanStates(IsLive is_live) const {
  std::vector<std::string> removed;
  for (const auto& id : ListIds(layout_.state())) {
    if (is_live(id)) continue;
    std::string mess = layout_.MessPath(id);
    if (::access(mess.c_str(), F_OK) == 0 || errno != ENOENT) continue;
    if (::unlink(layout_.StatePath(id).c_str()) == 0) removed.push_back(id);
  }
  return removed;
}

}  // namespace ms::send

#endif  // MAILSUITE_SEND_QUEUE_STORE_H_
