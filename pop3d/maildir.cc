#include "pop3d/maildir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ms::pop3d {

namespace {

constexpr size_t kMaxUid = 70;  // RFC 1939 section 7

bool ValidUid(std::string_view uid) {
  if (uid.empty() || uid.size() > kMaxUid) return false;
  for (unsigned char c : uid) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

uint64_t LeadingNumber(std::string_view name) {
  uint64_t value = 0;
  for (size_t i = 0; i < name.size() && i < 19 && name[i] >= '0' && name[i] <= '9'; ++i) {
    value = value * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  return value;
}

Status ReadFolder(int dir_fd, const char* folder, bool in_new,
                  std::vector<MaildirMessage>* out) {
  int fd = ::openat(dir_fd, folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return MakeError(std::string("unable to open ") + folder + ": " + std::strerror(e), e);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int e = errno;
    ::close(fd);
    return MakeError(std::string("unable to read ") + folder + ": " + std::strerror(e), e);
  }
  std::string prefix = std::string(folder) + "/";
  errno = 0;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name(entry->d_name);
    if (name.empty() || name[0] == '.') continue;
    if (entry->d_type != DT_REG && entry->d_type != DT_UNKNOWN) continue;
    MaildirMessage m;
    m.path = prefix;
    m.path += name;
    m.uid = UidFor(name);
    m.in_new = in_new;
    m.order_time = LeadingNumber(name);
    std::string_view unique = name.substr(0, name.find(':'));
    if (!FindSizeField(unique, ",W=", &m.size) && !FindSizeField(unique, ",S=", &m.size)) {
      struct stat st;
      if (::fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        errno = 0;
        continue;  // gone meanwhile (another reader is not possible; a
                   // delivery renaming is): skip it
      }
      if (!S_ISREG(st.st_mode)) continue;
      m.size = static_cast<uint64_t>(st.st_size);
    }
    out->push_back(std::move(m));
    errno = 0;
  }
  int e = errno;
  ::closedir(dir);
  if (e != 0) return MakeError(std::string("unable to read ") + folder + ": " + std::strerror(e), e);
  return Ok{};
}

}  // namespace

bool FindSizeField(std::string_view name, std::string_view key, uint64_t* size) {
  size_t at = name.find(key);
  if (at == std::string_view::npos) return false;
  std::string_view digits = name.substr(at + key.size());
  uint64_t value = 0;
  size_t n = 0;
  while (n < digits.size() && n < 18 && digits[n] >= '0' && digits[n] <= '9') {
    value = value * 10 + static_cast<uint64_t>(digits[n] - '0');
    ++n;
  }
  if (n == 0) return false;
  *size = value;
  return true;
}

std::string UidFor(std::string_view name) {
  std::string_view unique = name.substr(0, name.find(':'));
  if (ValidUid(unique)) return std::string(unique);
  // FNV-1a, 128 bits: no crypto library to load on every exec for a case
  // that only odd file names reach; the names are the delivery agent's,
  // not an attacker's, so a non-cryptographic hash is enough.
  unsigned __int128 hash = (static_cast<unsigned __int128>(0x6c62272e07bb0142ULL) << 64) |
                           0x62b821756295c58dULL;
  const unsigned __int128 prime = (static_cast<unsigned __int128>(0x0000000001000000ULL) << 64) |
                                  0x000000000000013bULL;
  for (unsigned char c : unique) {
    hash ^= c;
    hash *= prime;
  }
  static const char kHex[] = "0123456789abcdef";
  std::string uid(32, '0');
  for (int i = 31; i >= 0; --i) {
    uid[static_cast<size_t>(i)] = kHex[static_cast<unsigned>(hash & 15)];
    hash >>= 4;
  }
  return uid;
}

Result<Maildir> Maildir::Scan(int dir_fd) {
  Maildir maildir;
  maildir.dir_fd_ = dir_fd;
  maildir.messages_.reserve(1024);
  Status s = ReadFolder(dir_fd, "cur", false, &maildir.messages_);
  if (!s.ok()) return s.error();
  s = ReadFolder(dir_fd, "new", true, &maildir.messages_);
  if (!s.ok()) return s.error();
  auto& list = maildir.messages_;
  // Same unique part in new/ and cur/ (a crash between link and unlink in
  // some other program): list it once, from cur/.
  std::sort(list.begin(), list.end(), [](const MaildirMessage& a, const MaildirMessage& b) {
    if (a.uid != b.uid) return a.uid < b.uid;
    return a.in_new < b.in_new;
  });
  list.erase(std::unique(list.begin(), list.end(),
                         [](const MaildirMessage& a, const MaildirMessage& b) {
                           return a.uid == b.uid;
                         }),
             list.end());
  std::sort(list.begin(), list.end(), [](const MaildirMessage& a, const MaildirMessage& b) {
    if (a.order_time != b.order_time) return a.order_time < b.order_time;
    return a.path.compare(4, std::string::npos, b.path, 4, std::string::npos) < 0;
  });
  return maildir;
}

size_t Maildir::Commit() const {
  size_t failures = 0;
  for (const MaildirMessage& m : messages_) {
    if (m.deleted) {
      if (::unlinkat(dir_fd_, m.path.c_str(), 0) != 0 && errno != ENOENT) ++failures;
    } else if (m.in_new) {
      std::string target = "cur/" + m.path.substr(4) + ":2,";
      if (::renameat(dir_fd_, m.path.c_str(), dir_fd_, target.c_str()) != 0 && errno != ENOENT) {
        ++failures;
      }
    }
  }
  return failures;
}

}  // namespace ms::pop3d
