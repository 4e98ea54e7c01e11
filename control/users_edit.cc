#include "control/users_edit.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "fd.h"
#include "password.h"

namespace ms::control {

namespace {

// The text split into lines (without '\n'), the last one kept even when
// the file does not end in a newline.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    lines.push_back(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
  }
  return lines;
}

// Whether the line's first field names the (normalised) address.
bool LineIsFor(std::string_view line, const std::string& key) {
  if (line.empty() || line.front() == '#') return false;
  auto first = NormalizeUserAddress(line.substr(0, line.find(':')));
  return first && *first == key;
}

std::string Join(const std::vector<std::string_view>& lines) {
  std::string out;
  for (auto l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

Result<std::string> KeyOf(std::string_view address) {
  auto key = NormalizeUserAddress(address);
  if (!key) return MakeError(key.error().message, kExitUsage);
  return key;
}

}  // namespace

Result<std::string> AddUserToText(std::string_view text, const UserEntry& entry) {
  auto key = KeyOf(entry.address);
  if (!key) return key.error();
  auto lines = SplitLines(text);
  for (auto l : lines)
    if (LineIsFor(l, *key)) return MakeError(*key + " already exists", kExitNotFound);
  std::string line = FormatUserLine(entry);
  // Whatever the caller built must read back as the same entry.
  if (!ParseUserLine(std::string_view(line).substr(0, line.size() - 1)))
    return MakeError("invalid entry for " + *key, kExitUsage);
  return Join(lines) + line;
}

Result<std::string> DeleteUserFromText(std::string_view text, std::string_view address) {
  auto key = KeyOf(address);
  if (!key) return key.error();
  std::vector<std::string_view> kept;
  bool found = false;
  for (auto l : SplitLines(text)) {
    if (LineIsFor(l, *key)) found = true;
    else kept.push_back(l);
  }
  if (!found) return MakeError("no such user " + *key, kExitNotFound);
  return Join(kept);
}

Result<std::string> SetUserHashInText(std::string_view text, std::string_view address,
                                      std::string_view hash) {
  auto key = KeyOf(address);
  if (!key) return key.error();
  auto lines = SplitLines(text);
  std::string replaced;
  for (auto& l : lines) {
    if (!LineIsFor(l, *key)) continue;
    auto entry = ParseUserLine(l);
    if (!entry) return MakeError("line for " + *key + " is malformed: " + entry.error().message,
                                 kExitTemporary);
    entry->hash = std::string(hash);
    replaced = FormatUserLine(*entry);
    replaced.pop_back();
    l = replaced;
    return Join(lines);
  }
  return MakeError("no such user " + *key, kExitNotFound);
}

Status EditUsersFile(const std::string& path, const UsersEdit& edit) {
  std::string lock_path = path + ".lock";
  UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock.valid())
    return MakeError("unable to open " + lock_path + ": " + std::strerror(errno), kExitTemporary);
  while (::flock(lock.get(), LOCK_EX) != 0)
    if (errno != EINTR)
      return MakeError("unable to lock " + lock_path + ": " + std::strerror(errno), kExitTemporary);
  std::string text;
  struct stat st;
  bool existed = ::stat(path.c_str(), &st) == 0;
  if (existed) {
    auto current = ReadFile(path);
    if (!current) return MakeError(current.error().message, kExitTemporary);
    text = std::move(*current);
  } else if (errno != ENOENT) {
    return MakeError("unable to stat " + path + ": " + std::strerror(errno), kExitTemporary);
  }
  auto edited = edit(text);
  if (!edited) return edited.error();
  // The file holds password hashes: 0600 unless the operator chose a mode.
  return ReplaceFileKeepingOwner(path, *edited, 0600);
}

Status ReplaceFileKeepingOwner(const std::string& path, std::string_view data, int new_mode) {
  struct stat st;
  bool existed = ::stat(path.c_str(), &st) == 0;
  int mode = existed ? static_cast<int>(st.st_mode & 07777) : new_mode;
  Status written = WriteFileAtomic(path, data, mode);
  if (!written) return MakeError(written.error().message, kExitTemporary);
  if (existed && ::geteuid() == 0 && ::chown(path.c_str(), st.st_uid, st.st_gid) != 0)
    return MakeError("unable to chown " + path + ": " + std::strerror(errno), kExitTemporary);
  return Ok{};
}

Result<std::string> ReadPasswordLine(int fd) {
  std::string data;
  char buf[256];
  while (data.size() <= kMaxPassword && data.find('\n') == std::string::npos) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(std::string("unable to read the password: ") + std::strerror(errno),
                       kExitTemporary);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  size_t eol = data.find('\n');
  if (eol != std::string::npos) data.resize(eol);
  if (!data.empty() && data.back() == '\r') data.pop_back();
  if (data.size() > kMaxPassword) return MakeError("password longer than " + std::to_string(kMaxPassword) + " octets", kExitUsage);
  if (data.empty()) return MakeError("empty password on standard input", kExitUsage);
  if (data.find('\0') != std::string::npos) return MakeError("password contains NUL", kExitUsage);
  return data;
}

}  // namespace ms::control
