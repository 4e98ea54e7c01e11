#include "send/queue_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ms::send {

namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool PreadAll(int fd, char* buf, size_t len, uint64_t offset) {
  while (len > 0) {
    ssize_t n = ::pread(fd, buf, len, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf += n;
    len -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace

Result<StoredMessage> QueueStore::Load(const std::string& id, LoadError* error) const {
  *error = LoadError::kTemporary;
  std::string path = layout_.MessPath(id);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    if (errno == ENOENT) *error = LoadError::kGone;
    return MakeError(Errno("unable to open " + path));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return MakeError(Errno("unable to stat " + path));
  StoredMessage m;
  m.id = id;
  char head[kQueueHeaderSize];
  if (!S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(kQueueHeaderSize) ||
      !PreadAll(fd.get(), head, sizeof head, 0)) {
    *error = LoadError::kBad;
    return MakeError("not a queue file: " + path);
  }
  auto header = ParseQueueHeader(std::string_view(head, sizeof head),
                                 static_cast<uint64_t>(st.st_size));
  if (!header) {
    *error = LoadError::kBad;
    return MakeError(path + ": " + header.error().message);
  }
  m.header = *header;
  std::string env(m.header.envelope_length, '\0');
  if (!PreadAll(fd.get(), env.data(), env.size(), m.header.envelope_offset))
    return MakeError(Errno("unable to read " + path));
  EnvelopeError envelope_error;
  auto envelope = DecodeEnvelope(env, &envelope_error);
  if (!envelope) {
    *error = LoadError::kBad;
    return MakeError(path + ": envelope: " + envelope.error().message);
  }
  m.envelope = std::move(*envelope);
  auto state = ReadFile(layout_.StatePath(id));
  if (state) {
    m.has_state_file = true;
    m.states = ParseStateFile(*state);
  } else if (state.error().code != ENOENT) {
    return state.error();
  }
  *error = LoadError::kNone;
  return m;
}

Result<UniqueFd> QueueStore::OpenMessage(const std::string& id) const {
  std::string path = layout_.MessPath(id);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return MakeError(Errno("unable to open " + path));
  return fd;
}

Result<std::string> QueueStore::ReadMessagePart(const std::string& id, uint64_t offset,
                                                uint64_t length) const {
  auto fd = OpenMessage(id);
  if (!fd) return fd.error();
  std::string out(length, '\0');
  if (!PreadAll(fd->get(), out.data(), out.size(), offset))
    return MakeError(Errno("unable to read " + layout_.MessPath(id)));
  return out;
}

Status QueueStore::AppendStates(const std::string& id, const std::vector<StateRecord>& records,
                                bool* created) const {
  std::string data;
  for (const auto& r : records) data += FormatStateRecord(r);
  std::string path = layout_.StatePath(id);
  int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
  UniqueFd fd(::open(path.c_str(), flags));
  *created = false;
  if (!fd.valid() && errno == ENOENT) {
    fd.reset(::open(path.c_str(), flags | O_CREAT, 0640));
    *created = true;
  }
  if (!fd.valid()) return MakeError(Errno("unable to open " + path));
  if (!WriteAll(fd.get(), data)) return MakeError(Errno("unable to write " + path));
  if (::fdatasync(fd.get()) != 0) return MakeError(Errno("unable to sync " + path));
  if (*created && !SyncDirectory(layout_.state()))
    return MakeError(Errno("unable to sync " + layout_.state()));
  return Ok{};
}

void QueueStore::Finish(const std::string& id, bool has_state_file) const {
  ::unlink(layout_.MessPath(id).c_str());
  if (has_state_file) ::unlink(layout_.StatePath(id).c_str());
}

Status QueueStore::MoveToBad(const std::string& id) const {
  ::mkdir(layout_.bad().c_str(), 0700);
  std::string to = layout_.bad() + "/" + id;
  if (::rename(layout_.MessPath(id).c_str(), to.c_str()) != 0)
    return MakeError(Errno("unable to move " + id + " to " + layout_.bad()));
  return Ok{};
}

std::vector<std::string> QueueStore::ListIds(const std::string& dir) const {
  std::vector<std::string> ids;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ids;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    if (IsValidQueueId(name)) ids.emplace_back(name);
  }
  ::closedir(d);
  return ids;
}

std::vector<std::string> QueueStore::ListMessages() const { return ListIds(layout_.mess()); }

std::vector<std::string> QueueStore::CleanTmp(int64_t now) const {
  std::vector<std::string> removed;
  std::string dir = layout_.tmp();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return removed;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (now - st.st_mtime <= 60) continue;
    // A writer holds an exclusive flock until it has renamed the file.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd.valid() || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
    if (::unlink(path.c_str()) == 0) removed.push_back(name);
  }
  ::closedir(d);
  return removed;
}

}  // namespace ms::send
