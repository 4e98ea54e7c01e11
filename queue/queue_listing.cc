#include "queue/queue_listing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "envelope.h"
#include "fd.h"
#include "queue_layout.h"

namespace ms::queue {

namespace {

bool PreadAll(int fd, std::string* out, uint64_t offset, uint64_t length) {
  out->resize(length);
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out->data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<uint64_t>(n);
  }
  return true;
}

RecipientState StateOf(char code) {
  switch (code) {
    case 'D': return RecipientState::kDelivered;
    case 'B':
    case 'b': return RecipientState::kBounced;
    default: return RecipientState::kDeferred;
  }
}

// false: the message is gone (finished meanwhile) and is left out.
bool ReadMessage(const QueueLayout& layout, ListedMessage* m) {
  UniqueFd fd(::open(layout.MessPath(m->id).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return false;
    m->problem = std::string("cannot open: ") + std::strerror(errno);
    return true;
  }
  struct stat st;
  std::string head;
  if (::fstat(fd.get(), &st) != 0 || !PreadAll(fd.get(), &head, 0, kQueueHeaderSize)) {
    m->problem = "cannot read the header";
    return true;
  }
  auto header = ParseQueueHeader(head, static_cast<uint64_t>(st.st_size));
  if (!header) {
    m->problem = header.error().message;
    return true;
  }
  m->size = header->message_length;
  m->queued_time = header->queued_time;
  std::string raw;
  EnvelopeError kind;
  if (!PreadAll(fd.get(), &raw, header->envelope_offset, header->envelope_length)) {
    m->problem = "cannot read the envelope";
    return true;
  }
  auto envelope = DecodeEnvelope(raw, &kind);
  if (!envelope) {
    m->problem = envelope.error().message;
    return true;
  }
  m->sender = envelope->sender;
  m->dsn = FormatMailDsn(envelope->dsn);
  for (size_t i = 0; i < envelope->recipients.size(); ++i)
    m->recipients.push_back(
        {std::move(envelope->recipients[i]), {}, {}, FormatRcptDsn(envelope->RecipientDsn(i))});
  auto state = ReadFile(layout.StatePath(m->id));
  if (!state && state.error().code != ENOENT) m->problem = state.error().message;
  if (state) {
    for (auto& [index, record] : ParseStateFile(*state)) {
      if (index >= m->recipients.size()) continue;
      m->recipients[index].state = StateOf(record.code);
      m->recipients[index].reason = record.reason;
    }
  }
  return true;
}

}  // namespace

Result<std::vector<ListedMessage>> ListQueue(const std::string& root) {
  const QueueLayout layout(root);
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(layout.mess().c_str()), ::closedir);
  if (!dir) return MakeError("cannot read the queue " + layout.mess() + ": " + std::strerror(errno), errno);
  std::vector<ListedMessage> messages;
  errno = 0;
  while (const struct dirent* entry = ::readdir(dir.get())) {
    if (!IsValidQueueId(entry->d_name)) continue;
    ListedMessage m;
    m.id = entry->d_name;
    if (ReadMessage(layout, &m)) messages.push_back(std::move(m));
  }
  std::sort(messages.begin(), messages.end(), [](const ListedMessage& a, const ListedMessage& b) {
    return a.queued_time != b.queued_time ? a.queued_time < b.queued_time : a.id < b.id;
  });
  return messages;
}

}  // namespace ms::queue
