#include "local/quota.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include "fd.h"
#include "text.h"
#include "users.h"

namespace ms::local {
namespace {

constexpr off_t kRebuildSize = 5120;       // the spec's size limit
constexpr time_t kOverQuotaRecheck = 900;  // 15 minutes
constexpr char kSizeFile[] = "maildirsize";

// *out is changed only on success.
bool ParseNumber(std::string_view s, int64_t* out) {
  auto value = ParseSignedDecimal(s);
  if (!value) return false;
  *out = *value;
  return true;
}

// Adds up one directory of messages (new/ or cur/ of a folder).
void ScanMessages(int dir_fd, const char* sub, QuotaUsage* usage) {
  int fd = ::openat(dir_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  while (struct dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    uint64_t size = 0;
    if (!SizeFromName(e->d_name, &size)) {
      struct stat st;
      if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
      size = static_cast<uint64_t>(st.st_size);
    }
    usage->bytes += static_cast<int64_t>(size);
    usage->count += 1;
  }
  ::closedir(dir);
}

QuotaUsage ScanMaildir(int maildir_fd) {
  QuotaUsage usage;
  ScanMessages(maildir_fd, "new", &usage);
  ScanMessages(maildir_fd, "cur", &usage);
  int fd = ::dup(maildir_fd);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (dir == nullptr) {
    if (fd >= 0) ::close(fd);
    return usage;
  }
  ::rewinddir(dir);
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name.size() < 2 || name[0] != '.' || name == ".." || name == ".Trash") continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    int folder = ::openat(maildir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (folder < 0) continue;
    ScanMessages(folder, "new", &usage);
    ScanMessages(folder, "cur", &usage);
    ::close(folder);
  }
  ::closedir(dir);
  return usage;
}

void WriteSizeFile(int maildir_fd, const QuotaSpec& spec, const QuotaUsage& usage) {
  std::string text = FormatQuotaSpec(spec) + "\n" + std::to_string(usage.bytes) + " " +
                     std::to_string(usage.count) + "\n";
  struct timeval tv;
  ::gettimeofday(&tv, nullptr);
  std::string tmp = "tmp/" + std::to_string(tv.tv_sec) + ".M" + std::to_string(tv.tv_usec) + "P" +
                    std::to_string(::getpid()) + ".maildirsize";
  UniqueFd fd(::openat(maildir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return;  // a cache only: the next delivery rebuilds it
  if (!WriteAll(fd.get(), text) || ::renameat(maildir_fd, tmp.c_str(), maildir_fd, kSizeFile) != 0)
    ::unlinkat(maildir_fd, tmp.c_str(), 0);
}

}  // namespace

Result<QuotaSpec> ParseQuotaSpec(std::string_view text) {
  QuotaSpec spec;
  text = TrimRight(TrimLeft(text), " \t\r");
  int64_t plain = 0;  // signed: the same range as the Maildir++ form
  if (text.empty()) return spec;
  if (ParseNumber(text, &plain)) {
    if (plain < 0) return MakeError("malformed quota \"" + std::string(text) + "\": negative");
    spec.bytes = static_cast<uint64_t>(plain);  // "0": none
    return spec;
  }
  auto q = ParseQuota(text);  // the Maildir++ form, as in the users database
  if (!q.ok()) return MakeError("malformed quota \"" + std::string(text) + "\": " + q.error().message);
  return QuotaSpec{q->bytes, q->count};
}

std::string FormatQuotaSpec(const QuotaSpec& spec) {
  std::string s;
  if (spec.bytes != 0) s = std::to_string(spec.bytes) + "S";
  if (spec.count != 0) s += (s.empty() ? "" : ",") + std::to_string(spec.count) + "C";
  return s;
}

MaildirSizeFile ParseMaildirSize(std::string_view text) {
  MaildirSizeFile f;
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos) {
    f.malformed = true;
    return f;
  }
  f.quota_line = std::string(TrimRight(TrimLeft(text.substr(0, nl)), " \t\r"));
  text.remove_prefix(nl + 1);
  while (!text.empty()) {
    nl = text.find('\n');
    if (nl == std::string_view::npos) {  // a torn append: rebuild
      f.malformed = true;
      break;
    }
    std::string_view line = TrimRight(TrimLeft(text.substr(0, nl)), " \t\r");
    text.remove_prefix(nl + 1);
    if (line.empty()) continue;
    size_t sp = line.find_first_of(" \t");
    int64_t bytes = 0, count = 0;
    if (sp == std::string_view::npos || !ParseNumber(line.substr(0, sp), &bytes) ||
        !ParseNumber(TrimRight(TrimLeft(line.substr(sp)), " \t\r"), &count)) {
      f.malformed = true;
      break;
    }
    if (__builtin_add_overflow(f.usage.bytes, bytes, &f.usage.bytes) ||
        __builtin_add_overflow(f.usage.count, count, &f.usage.count)) {
      f.malformed = true;  // nonsense: rebuild by scanning
      break;
    }
  }
  return f;
}

bool FitsQuota(const QuotaSpec& spec, const QuotaUsage& usage, uint64_t size) {
  int64_t bytes = usage.bytes < 0 ? 0 : usage.bytes;
  int64_t count = usage.count < 0 ? 0 : usage.count;
  if (spec.bytes != 0 && static_cast<uint64_t>(bytes) + size > spec.bytes) return false;
  if (spec.count != 0 && static_cast<uint64_t>(count) + 1 > spec.count) return false;
  return true;
}

Result<QuotaUsage> CheckQuota(int maildir_fd, const QuotaSpec& configured, uint64_t size) {
  if (configured.none()) return QuotaUsage{};
  UniqueFd fd(::openat(maildir_fd, kSizeFile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  const QuotaSpec& spec = configured;
  MaildirSizeFile file;
  bool rebuild = !fd.valid();
  struct stat st {};
  if (fd.valid()) {
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size >= kRebuildSize) {
      rebuild = true;
    } else {
      char buf[kRebuildSize];
      ssize_t n = ::pread(fd.get(), buf, sizeof buf, 0);
      if (n < 0) return MakeError(std::string("Unable to read maildirsize: ") + std::strerror(errno) + ". (#4.3.0)", 111);
      file = ParseMaildirSize(std::string_view(buf, static_cast<size_t>(n)));
      rebuild = file.malformed || FormatQuotaSpec(spec) != file.quota_line;
    }
  }
  QuotaUsage usage = file.usage;
  if (!rebuild && !FitsQuota(spec, usage, size) && st.st_mtime + kOverQuotaRecheck < ::time(nullptr))
    rebuild = true;
  if (rebuild) {
    usage = ScanMaildir(maildir_fd);
    WriteSizeFile(maildir_fd, spec, usage);
  }
  if (!FitsQuota(spec, usage, size))
    return MakeError("mailbox full (quota exceeded): " + std::to_string(usage.bytes) + " bytes in " +
                         std::to_string(usage.count) + " messages, quota " + FormatQuotaSpec(spec) + ". (#4.2.2)",
                     111);
  return usage;
}

void RecordDelivery(int maildir_fd, uint64_t size) {
  UniqueFd fd(::openat(maildir_fd, kSizeFile, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return;
  std::string line = std::to_string(size) + " 1\n";
  (void)WriteAll(fd.get(), line);  // one write: appends never interleave
}

bool SizeFromName(std::string_view name, uint64_t* size) {
  size_t pos = name.find(",S=");
  if (pos == std::string_view::npos) return false;
  std::string_view rest = name.substr(pos + 3);
  size_t end = rest.find_first_not_of("0123456789");
  std::optional<uint64_t> value = ParseDecimal(rest.substr(0, end));
  if (value) *size = *value;
  return value.has_value();
}

}  // namespace ms::local
