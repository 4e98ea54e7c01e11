#include "control.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <unordered_map>

#include "cdb_lookup.h"
#include "fd.h"
#include "paths.h"
#include "text.h"

namespace ms {

std::vector<std::string> ParseControlLines(std::string_view text) {
  std::vector<std::string> values;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    size_t nul = line.find('\0');
    if (nul != std::string_view::npos) line = line.substr(0, nul);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    values.emplace_back(line);
  }
  return values;
}

namespace {

// KeepControlFiles' store, by path: the file's text, or nullopt for a
// file that does not exist.  A read error other than ENOENT is never kept.
// Process-wide because a session builds Controls in many places (config,
// TLS, AUTH, SPF); only a pooled worker turns it on.
struct KeptFiles {
  bool on = false;
  std::unordered_map<std::string, std::optional<std::string>> texts;
  std::unordered_map<std::string, bool> exists;  // Control::Exists
};

KeptFiles& Kept() {
  static KeptFiles kept;
  return kept;
}

// The text of the control file at path, or nullopt when it does not exist.
Result<std::optional<std::string>> ReadControlFile(const std::string& path) {
  KeptFiles& kept = Kept();
  if (kept.on) {
    if (auto it = kept.texts.find(path); it != kept.texts.end()) return it->second;
  }
  std::optional<std::string> value;
  auto text = ReadFile(path);
  if (text) {
    value = std::move(*text);
  } else if (text.error().code != ENOENT) {
    return text.error();
  }
  if (kept.on) kept.texts.emplace(path, value);
  return value;
}

}  // namespace

void KeepControlFiles() { Kept().on = true; }

void ForgetControlFiles() {
  Kept().texts.clear();
  Kept().exists.clear();
}

Control::Control() : dir_(ControlDir()) {}
Control::Control(std::string dir) : dir_(std::move(dir)) {}

std::string Control::PathOf(std::string_view name) const {
  return dir_ + "/" + std::string(name);
}

Result<std::vector<std::string>> Control::Lines(std::string_view name) const {
  auto text = ReadControlFile(PathOf(name));
  if (!text) return text.error();
  if (!*text) return std::vector<std::string>{};
  return ParseControlLines(**text);
}

Result<std::string> Control::Line(std::string_view name, std::string_view fallback) const {
  auto lines = Lines(name);
  if (!lines) return lines.error();
  if (lines->empty()) return std::string(fallback);
  return std::move(lines->front());
}

Result<long> Control::Number(std::string_view name, long fallback, long min, long max) const {
  auto line = Line(name, "");
  if (!line) return line.error();
  if (line->empty()) return fallback;
  auto parsed = ParseSignedDecimal(*line, LONG_MIN, LONG_MAX);
  if (!parsed) return MakeError("control file " + PathOf(name) + ": not a number: " + *line);
  long value = static_cast<long>(*parsed);
  if (value < min || value > max)
    return MakeError("control file " + PathOf(name) + ": " + *line + " is out of range " +
                     std::to_string(min) + ".." + std::to_string(max));
  return value;
}

Result<std::string> Control::Me() const {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
  return Line("me", host);
}

Result<std::string> Control::LineOrMe(std::string_view name) const {
  auto me = Me();
  if (!me) return me.error();
  return Line(name, *me);
}

Result<std::vector<std::string>> Control::CdbLookup(std::string_view name,
                                                    std::string_view key) const {
  std::string path = PathOf(name);
  // A kept worker remembers only that a cdb is missing (morercpthosts.cdb
  // is asked for at every RCPT); one that exists is opened each time.
  KeptFiles& kept = Kept();
  if (kept.on) {
    if (auto it = kept.texts.find(path); it != kept.texts.end() && !it->second) return std::vector<std::string>{};
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      if (kept.on) kept.texts.emplace(path, std::nullopt);
      return std::vector<std::string>{};
    }
    return MakeError("unable to open " + path + ": " + std::strerror(errno));
  }
  return CdbLookupFd(fd.get(), path, key);
}

bool Control::Exists(std::string_view name) const {
  std::string path = PathOf(name);
  KeptFiles& kept = Kept();
  if (kept.on) {
    if (auto it = kept.exists.find(path); it != kept.exists.end()) return it->second;
  }
  bool exists = ::access(path.c_str(), F_OK) == 0;
  if (kept.on) kept.exists.emplace(path, exists);
  return exists;
}

Result<bool> Control::CdbContains(std::string_view name, std::string_view key) const {
  auto found = CdbLookup(name, key);
  if (!found) return found.error();
  return !found->empty();
}

}  // namespace ms
