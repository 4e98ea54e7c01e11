#include "filter/quarantine_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "fd.h"
#include "paths.h"
#include "unnamed_file.h"
#include "text.h"

namespace ms::filter {

namespace {

constexpr std::string_view kMagic = "mailsuite-quarantine 1\n";
constexpr size_t kMaxHeader = 1 << 20;  // header + envelope read at once

bool ParseNumber(std::string_view s, uint64_t* out) {
  auto n = ParseDecimal(s);
  if (n) *out = *n;
  return n.has_value();
}

}  // namespace

bool IsValidQuarantineId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  int dots = 0;
  for (char c : id) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 2 && id.front() != '.' && id.back() != '.' && id.find("..") == std::string_view::npos;
}

Result<std::string> StoreInQuarantine(const std::string& dir, const Envelope& envelope, std::string_view verdict,
                                      int message_fd, uint64_t len) {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  std::string id = std::to_string(tv.tv_sec) + "." + std::to_string(tv.tv_usec) + "." + std::to_string(::getpid());
  std::string clean(verdict.substr(0, 1000));
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 32 || c == 127) c = '?';
  std::string env = EncodeEnvelope(envelope);
  std::string head = std::string(kMagic) + "time " + std::to_string(tv.tv_sec) + "\nverdict " + clean +
                     "\nenvelope-length " + std::to_string(env.size()) + "\nmessage-length " +
                     std::to_string(len) + "\n\n" + env;
  std::string path = dir + "/" + id;
  UniqueFd fd = OpenUnnamed(AT_FDCWD, dir.c_str(), 0640);
  std::string named_tmp;
  if (!fd.valid()) {
    if (!UnnamedUnsupported(errno)) return MakeError("quarantine " + dir + ": " + strerror(errno));
    named_tmp = dir + "/." + id + ".tmp";
    fd = UniqueFd(::open(named_tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (!fd.valid()) return MakeError("quarantine " + named_tmp + ": " + strerror(errno));
  }
  // Readable by the msadmin group (the set-gid directory gives it) whatever
  // the umask the filter inherited: mailsuite-quarantine runs as an admin.
  if (::fchmod(fd.get(), 0640) != 0 || !WriteAll(fd.get(), head) || !CopyRange(message_fd, 0, len, fd.get()) || ::fsync(fd.get()) != 0) {
    int e = errno;
    if (!named_tmp.empty()) ::unlink(named_tmp.c_str());
    return MakeError("quarantine write: " + std::string(strerror(e)));
  }
  if (named_tmp.empty()) {
    if (LinkUnnamed(fd.get(), AT_FDCWD, path.c_str()) != LinkResult::kLinked)
      return MakeError("quarantine link " + path + ": " + strerror(errno));
  } else if (::rename(named_tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(named_tmp.c_str());
    return MakeError("quarantine rename " + path + ": " + strerror(e));
  }
  if (!SyncDirectory(dir)) return MakeError("quarantine fsync " + dir + ": " + strerror(errno));
  return id;
}

Result<QuarantineEntry> ParseQuarantineHeader(std::string_view data, uint64_t file_size) {
  if (data.substr(0, kMagic.size()) != kMagic) return MakeError("not a quarantine entry");
  QuarantineEntry e;
  size_t pos = kMagic.size();
  uint64_t env_len = 0, msg_len = 0, t = 0;
  bool have_env = false, have_msg = false;
  while (true) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) return MakeError("truncated quarantine header");
    std::string_view line = data.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    size_t sp = line.find(' ');
    std::string_view key = line.substr(0, sp);
    std::string_view value = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    if (key == "time" && ParseNumber(value, &t)) e.time = static_cast<int64_t>(t);
    else if (key == "verdict") e.verdict = std::string(value);
    else if (key == "envelope-length" && ParseNumber(value, &env_len)) have_env = true;
    else if (key == "message-length" && ParseNumber(value, &msg_len)) have_msg = true;
  }
  if (!have_env || !have_msg) return MakeError("quarantine header without lengths");
  if (env_len > data.size() - pos) return MakeError("quarantine envelope truncated");
  if (pos + env_len + msg_len != file_size) return MakeError("quarantine entry has the wrong size");
  EnvelopeError err;
  auto env = DecodeEnvelope(data.substr(pos, env_len), &err);
  if (!env) return MakeError("quarantine envelope: " + env.error().message);
  e.envelope = std::move(*env);
  e.message_offset = pos + env_len;
  e.message_length = msg_len;
  return e;
}

Result<QuarantineEntry> ReadQuarantineEntry(const std::string& dir, std::string_view id) {
  if (!IsValidQuarantineId(id)) return MakeError("no such quarantine ID: " + std::string(id));
  std::string path = dir + "/" + std::string(id);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return MakeError(path + ": " + strerror(errno));
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return MakeError(path + ": " + strerror(errno));
  std::string head(std::min<uint64_t>(kMaxHeader, static_cast<uint64_t>(st.st_size)), '\0');
  ssize_t n = ::pread(fd.get(), head.data(), head.size(), 0);
  if (n < 0) return MakeError(path + ": " + strerror(errno));
  head.resize(static_cast<size_t>(n));
  auto e = ParseQuarantineHeader(head, static_cast<uint64_t>(st.st_size));
  if (!e) return MakeError(path + ": " + e.error().message);
  e->id = std::string(id);
  return e;
}

Result<std::vector<std::string>> ListQuarantine(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return MakeError(dir + ": " + strerror(errno));
  std::vector<std::string> ids;
  while (dirent* ent = ::readdir(d))
    if (IsValidQuarantineId(ent->d_name)) ids.emplace_back(ent->d_name);
  ::closedir(d);
  auto key = [](const std::string& id) {
    uint64_t s = 0, u = 0;
    std::from_chars(id.data(), id.data() + id.size(), s);
    size_t dot = id.find('.');
    std::from_chars(id.data() + dot + 1, id.data() + id.size(), u);
    return std::pair(s, u);
  };
  std::sort(ids.begin(), ids.end(), [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
  return ids;
}

}  // namespace ms::filter
