#include "service/log_stream.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "service/log_record.h"

namespace ms::setup {

namespace {

// A line as multilog's "t" writes it: "@" + 24 hex digits + " " + text.
bool SplitStamp(std::string_view line, std::string_view* stamp, std::string_view* text) {
  if (line.size() < 26 || line[25] != ' ' || !ParseTai64n(line.substr(0, 25))) return false;
  *stamp = line.substr(0, 25);
  *text = line.substr(26);
  return true;
}

}  // namespace

std::vector<std::string> LogFiles(const std::string& dir) {
  std::vector<std::string> rotated;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > 2 && name[0] == '@' && (name.back() == 's' || name.back() == 'u'))
        rotated.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  std::sort(rotated.begin(), rotated.end());
  rotated.push_back(dir + "/current");
  return rotated;
}

std::vector<std::string> LogServices(const std::string& logs) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(logs.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      if (::stat((logs + "/" + name + "/current").c_str(), &st) == 0) names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<int64_t> StampNanos(std::string_view stamp) {
  auto secs = ParseTai64n(stamp);  // checks the form, all 24 digits
  if (!secs || *secs < 0 || *secs > (int64_t{1} << 33)) return std::nullopt;
  uint32_t nanos = 0;
  std::from_chars(stamp.data() + 17, stamp.data() + 25, nanos, 16);
  if (nanos > 999999999) return std::nullopt;
  return *secs * 1000000000 + nanos;
}

std::string LocalTimeText(std::string_view stamp) {
  auto nanos = StampNanos(stamp);
  if (!nanos) return std::string(stamp);
  time_t secs = static_cast<time_t>(*nanos / 1000000000);
  struct tm tm;
  if (::localtime_r(&secs, &tm) == nullptr) return std::string(stamp);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(*nanos % 1000000000 / 1000));
  return buf;
}

void SplitEntries(std::string_view data, const std::string& service, std::string* partial,
                  std::string* last_stamp, std::vector<LogEntry>* out) {
  std::string joined;
  if (!partial->empty()) {
    joined = *partial + std::string(data);
    data = joined;
  }
  size_t start = 0;
  for (;;) {
    size_t eol = data.find('\n', start);
    if (eol == std::string_view::npos) break;
    std::string_view line = data.substr(start, eol - start);
    start = eol + 1;
    std::string_view stamp, text;
    if (SplitStamp(line, &stamp, &text)) {
      *last_stamp = std::string(stamp);
    } else {
      text = line;
    }
    out->push_back(LogEntry{*last_stamp, service, std::string(text)});
  }
  *partial = std::string(data.substr(start));
}

void SortByTime(std::vector<LogEntry>* entries) {
  std::stable_sort(entries->begin(), entries->end(),
                   [](const LogEntry& a, const LogEntry& b) { return a.stamp < b.stamp; });
}

ServiceLog::ServiceLog(const std::string& logs, const std::string& service)
    : dir_(logs + "/" + service), service_(service), files_(LogFiles(dir_)) {}

const LogEntry* ServiceLog::Peek() {
  while (pending_.empty()) {
    if (!ReadMore()) return nullptr;
  }
  return &pending_.front();
}

// A last line without its newline: complete at the end of a closed file.
void ServiceLog::EndOfFile() {
  if (partial_.empty()) return;
  std::vector<LogEntry> lines;
  SplitEntries("\n", service_, &partial_, &last_stamp_, &lines);
  for (LogEntry& e : lines) pending_.push_back(std::move(e));
}

bool ServiceLog::ReadMore() {
  for (;;) {
    if (!fd_.valid()) {
      if (next_file_ >= files_.size()) return false;
      const std::string& path = files_[next_file_++];
      fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      struct stat st;
      if (!fd_.valid() || ::fstat(fd_.get(), &st) != 0) continue;  // rotated away meanwhile
      inode_ = st.st_ino;
    }
    char buf[65536];
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      std::vector<LogEntry> lines;
      SplitEntries(std::string_view(buf, static_cast<size_t>(n)), service_, &partial_, &last_stamp_, &lines);
      for (LogEntry& e : lines) pending_.push_back(std::move(e));
      return true;
    }
    if (next_file_ >= files_.size()) return false;  // current: stay open for following
    EndOfFile();
    fd_.reset();
    if (!pending_.empty()) return true;
  }
}

void ServiceLog::FollowRotation() {
  struct stat st;
  if (::stat((dir_ + "/current").c_str(), &st) != 0 || st.st_ino == inode_) return;
  while (ReadMore()) {
  }
  EndOfFile();
  fd_.reset();
  files_.push_back(dir_ + "/current");
}

Result<LogMerge> LogMerge::Open(const std::string& logs) {
  struct stat st;
  if (::stat(logs.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return MakeError(logs + ": not a readable log directory");
  LogMerge merge;
  for (const std::string& service : LogServices(logs)) merge.services_.emplace_back(logs, service);
  return merge;
}

bool LogMerge::Next(LogEntry* out) {
  ServiceLog* earliest = nullptr;
  const LogEntry* head = nullptr;
  for (ServiceLog& s : services_) {
    const LogEntry* e = s.Peek();
    if (e != nullptr && (head == nullptr || e->stamp < head->stamp)) {
      earliest = &s;
      head = e;
    }
  }
  if (head == nullptr) return false;
  *out = *head;
  earliest->Pop();
  return true;
}

void LogMerge::FollowRotations() {
  for (ServiceLog& s : services_) s.FollowRotation();
}

}  // namespace ms::setup
