#include "service/log_record.h"

#include "text.h"

namespace ms::setup {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads one escaped token (LogLine's EscapeForLog in reverse) from *text.
bool ReadToken(std::string_view* text, std::string* out) {
  std::string_view t = *text;
  out->clear();
  bool quoted = !t.empty() && t.front() == '"';
  size_t i = quoted ? 1 : 0;
  for (;;) {
    if (i >= t.size()) {
      if (quoted) return false;
      break;
    }
    char c = t[i];
    if (quoted && c == '"') {
      ++i;
      break;
    }
    if (!quoted && c == ' ') break;
    if (c == '\\' && i + 1 < t.size()) {
      char n = t[i + 1];
      if (n == 'x' && i + 3 < t.size() && HexValue(t[i + 2]) >= 0 && HexValue(t[i + 3]) >= 0) {
        out->push_back(static_cast<char>(HexValue(t[i + 2]) * 16 + HexValue(t[i + 3])));
        i += 4;
        continue;
      }
      out->push_back(n);
      i += 2;
      continue;
    }
    out->push_back(c);
    ++i;
  }
  text->remove_prefix(i);
  return true;
}

}  // namespace

std::string_view LogRecord::Get(std::string_view key) const {
  auto it = fields.find(key);
  return it == fields.end() ? std::string_view() : std::string_view(it->second);
}

int64_t LogRecord::Number(std::string_view key) const {
  std::string_view v = Get(key);
  return ParseSignedDecimal(v).value_or(0);
}

std::optional<int64_t> ParseTai64n(std::string_view stamp) {
  if (stamp.size() != 25 || stamp.front() != '@') return std::nullopt;
  uint64_t secs = 0;
  for (size_t i = 1; i <= 16; ++i) {
    int h = HexValue(stamp[i]);
    if (h < 0) return std::nullopt;
    secs = secs * 16 + static_cast<uint64_t>(h);
  }
  for (size_t i = 17; i < 25; ++i)
    if (HexValue(stamp[i]) < 0) return std::nullopt;
  const uint64_t kTaiOffset = 4611686018427387914ULL;  // 2^62 + 10 leap seconds
  if (secs < kTaiOffset) return std::nullopt;
  return static_cast<int64_t>(secs - kTaiOffset);
}

std::optional<LogRecord> ParseLogRecord(std::string_view line) {
  LogRecord record;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (!line.empty() && line.front() == '@') {
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto t = ParseTai64n(line.substr(0, space));
    if (!t) return std::nullopt;
    record.unix_time = *t;
    line.remove_prefix(space + 1);
  }
  size_t colon = line.find(": ");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view program = line.substr(0, colon);
  if (program.find(' ') != std::string_view::npos) return std::nullopt;
  record.program = std::string(program);
  line.remove_prefix(colon + 2);
  if (!ReadToken(&line, &record.event) || record.event.empty()) return std::nullopt;
  while (!line.empty()) {
    if (line.front() != ' ') return std::nullopt;
    line.remove_prefix(1);
    size_t eq = line.find('=');
    size_t sp = line.find(' ');
    if (eq == std::string_view::npos || (sp != std::string_view::npos && sp < eq)) return std::nullopt;
    std::string key(line.substr(0, eq));
    line.remove_prefix(eq + 1);
    std::string value;
    if (!ReadToken(&line, &value)) return std::nullopt;
    record.fields[std::move(key)] = std::move(value);
  }
  return record;
}

}  // namespace ms::setup
