#include "text.h"

extern "C" {
#include <case.h>
}

namespace ms {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && case_diffb(a.data(), a.size(), b.data()) == 0;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoringCase(text.substr(0, prefix.size()), prefix);
}

std::string_view TrimLeft(std::string_view s, std::string_view chars) {
  size_t start = s.find_first_not_of(chars);
  return start == std::string_view::npos ? std::string_view() : s.substr(start);
}

std::string_view TrimRight(std::string_view s, std::string_view chars) {
  size_t end = s.find_last_not_of(chars);
  return end == std::string_view::npos ? std::string_view() : s.substr(0, end + 1);
}

std::string_view Trim(std::string_view s, std::string_view chars) { return TrimRight(TrimLeft(s, chars), chars); }

std::optional<uint64_t> ParseDecimal(std::string_view text, uint64_t max, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (value > max) return std::nullopt;
  return value;
}

std::optional<int64_t> ParseSignedDecimal(std::string_view text, int64_t min, int64_t max) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  // |INT64_MIN| is one more than INT64_MAX.
  auto magnitude = ParseDecimal(text, negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX});
  if (!magnitude) return std::nullopt;
  int64_t value = negative ? static_cast<int64_t>(0 - *magnitude) : static_cast<int64_t>(*magnitude);
  if (value < min || value > max) return std::nullopt;
  return value;
}

}  // namespace ms
