#include "queue_layout.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

namespace ms {

namespace {

Status MakeDir(const std::string& path, mode_t mode, const QueueOwners& owners) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
    return MakeError("unable to create " + path + ": " + std::strerror(errno));
  if (::chmod(path.c_str(), mode) != 0)
    return MakeError("unable to chmod " + path + ": " + std::strerror(errno));
  if ((owners.uid != static_cast<uid_t>(-1) || owners.gid != static_cast<gid_t>(-1)) &&
      ::chown(path.c_str(), owners.uid, owners.gid) != 0)
    return MakeError("unable to chown " + path + ": " + std::strerror(errno));
  return Ok{};
}

// Numbers in queue files: at most 19 digits.
bool ParseU64(std::string_view text, uint64_t* value) {
  std::optional<uint64_t> v = ParseDecimal(text, UINT64_MAX, 19);
  if (v) *value = *v;
  return v.has_value();
}

// A time stored as int64_t: a larger number would format back negative
// and no longer parse.
bool ParseTime(std::string_view text, int64_t* value) {
  uint64_t v = 0;
  if (!ParseU64(text, &v) || v > static_cast<uint64_t>(INT64_MAX)) return false;
  *value = static_cast<int64_t>(v);
  return true;
}

std::vector<std::string_view> SplitSpaces(std::string_view text, size_t max_fields) {
  std::vector<std::string_view> fields;
  while (!text.empty() && fields.size() < max_fields) {
    size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    if (fields.size() + 1 == max_fields) {
      fields.push_back(text);
      break;
    }
    size_t end = text.find(' ');
    fields.push_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end);
  }
  return fields;
}

}  // namespace

Status CreateQueue(const std::string& root, const QueueOwners& owners) {
  QueueLayout q(root);
  QueueOwners dir_owner_only{owners.uid, static_cast<gid_t>(-1)};
  for (auto [path, mode, o] : {std::tuple{q.root(), 0750, owners},
                               std::tuple{q.tmp(), 0700, dir_owner_only},
                               std::tuple{q.mess(), 0750, owners},
                               std::tuple{q.state(), 0750, owners},
                               std::tuple{q.bad(), 0700, dir_owner_only},
                               std::tuple{q.root() + "/lock", 0700, dir_owner_only}}) {
    Status s = MakeDir(path, static_cast<mode_t>(mode), o);
    if (!s) return s;
  }
  std::string trigger = q.trigger();
  if (::mkfifo(trigger.c_str(), 0622) != 0 && errno != EEXIST)
    return MakeError("unable to create " + trigger + ": " + std::strerror(errno));
  ::chmod(trigger.c_str(), 0622);
  std::string lock = q.send_lock();
  int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("unable to create " + lock + ": " + std::strerror(errno));
  ::close(fd);
  if (owners.uid != static_cast<uid_t>(-1)) {
    if (::chown(trigger.c_str(), owners.uid, static_cast<gid_t>(-1)) != 0 ||
        ::chown(lock.c_str(), owners.uid, static_cast<gid_t>(-1)) != 0)
      return MakeError("unable to chown queue files: " + std::string(std::strerror(errno)));
  }
  return Ok{};
}

std::string FormatQueueHeader(const QueueHeader& h) {
  std::string out = "MSQ1 " + std::to_string(h.message_offset) + " " +
                    std::to_string(h.message_length) + " " + std::to_string(h.envelope_offset) +
                    " " + std::to_string(h.envelope_length) + " " + std::to_string(h.queued_time);
  out.resize(kQueueHeaderSize - 1, ' ');
  out += '\n';
  return out;
}

Result<QueueHeader> ParseQueueHeader(std::string_view data, uint64_t file_size) {
  if (data.size() < kQueueHeaderSize || data[kQueueHeaderSize - 1] != '\n')
    return MakeError("queue header truncated");
  std::string_view line = data.substr(0, kQueueHeaderSize - 1);
  while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  auto f = SplitSpaces(line, 7);
  if (f.size() != 6 || f[0] != "MSQ1") return MakeError("not a mailsuite queue file");
  QueueHeader h;
  if (!ParseU64(f[1], &h.message_offset) || !ParseU64(f[2], &h.message_length) ||
      !ParseU64(f[3], &h.envelope_offset) || !ParseU64(f[4], &h.envelope_length) ||
      !ParseTime(f[5], &h.queued_time))
    return MakeError("malformed queue header");
  // Written without sums that could wrap around on hostile numbers.
  if (h.message_offset != kQueueHeaderSize || file_size < kQueueHeaderSize ||
      h.message_length > file_size - kQueueHeaderSize ||
      h.envelope_offset != h.message_offset + h.message_length ||
      h.envelope_length != file_size - h.envelope_offset || h.envelope_length < 3)
    return MakeError("queue header does not match the file");
  return h;
}

std::string MakeQueueId(ino_t inode, int64_t unix_usec) {
  return std::to_string(static_cast<unsigned long long>(inode)) + "." +
         std::to_string(unix_usec);
}

bool IsValidQueueId(std::string_view id) {
  size_t dot = id.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 >= id.size()) return false;
  if (id.size() > 40) return false;
  for (size_t i = 0; i < id.size(); ++i)
    if (i != dot && (id[i] < '0' || id[i] > '9')) return false;
  return true;
}

std::string FormatStateRecord(const StateRecord& r) {
  std::string reason = r.reason.substr(0, 1000);
  for (char& c : reason)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  std::string out = std::to_string(r.index) + " " + r.code + " " + std::to_string(r.time) + " " +
                    reason + "\n";
  return out;
}

std::map<size_t, StateRecord> ParseStateFile(std::string_view data) {
  std::map<size_t, StateRecord> last;
  while (!data.empty()) {
    size_t eol = data.find('\n');
    if (eol == std::string_view::npos) break;  // torn final append: ignore
    std::string_view line = data.substr(0, eol);
    data.remove_prefix(eol + 1);
    auto f = SplitSpaces(line, 4);
    if (f.size() < 3) continue;
    uint64_t index = 0;
    int64_t time = 0;
    if (!ParseU64(f[0], &index) || !ParseTime(f[2], &time) || f[1].size() != 1) continue;
    char code = f[1][0];
    if (code != 'D' && code != 'B' && code != 'b' && code != 'Z' && code != 'Y') continue;
    StateRecord r;
    r.index = index;
    r.code = code;
    r.time = time;
    if (f.size() == 4) r.reason = std::string(f[3]);
    last[r.index] = std::move(r);
  }
  return last;
}

}  // namespace ms
