#include "smtpd/load_guard.h"

#include <sys/statvfs.h>

#include <cstdlib>

#include "fd.h"

namespace ms::smtpd {

namespace {
constexpr unsigned long kMinFreeInodes = 100;
}

std::optional<double> ParseLoadAverage(std::string_view text) {
  std::string first(text.substr(0, text.find(' ')));
  if (first.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(first.c_str(), &end);
  if (end == first.c_str() || *end != '\0') return std::nullopt;
  return value;
}

std::optional<double> CurrentLoadAverage() {
  auto text = ReadFile("/proc/loadavg");
  if (!text) return std::nullopt;
  return ParseLoadAverage(*text);
}

bool QueueHasRoom(const std::string& dir, uint64_t min_free, uint64_t incoming) {
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) != 0) return true;
  unsigned __int128 avail = static_cast<unsigned __int128>(st.f_bavail) * st.f_frsize;
  if (st.f_files > 0 && st.f_favail < kMinFreeInodes) return false;
  return avail >= static_cast<unsigned __int128>(min_free) + incoming;
}

}  // namespace ms::smtpd
