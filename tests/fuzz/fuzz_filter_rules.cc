// libFuzzer target: control/filterrules parsing (filter/rules.h) and
// matching the parsed rules against values taken from the same input.
// Invariants: a parsed set never exceeds kMaxRules; every rule has a
// non-empty pattern and text; a header rule's name is lower case.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "filter/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t split = in.find('\x01');
  std::string_view text = in.substr(0, split);
  std::string_view value = split == std::string_view::npos ? std::string_view("ILOVEYOU") : in.substr(split + 1);
  auto set = ms::filter::RuleSet::Parse(text);
  if (!set.ok()) return 0;
  const auto& rules = **set;
  if (rules.size() > ms::filter::RuleSet::kMaxRules) std::abort();
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules.rule(i);
    if (r.pattern.empty() || r.text.empty()) std::abort();
    for (char c : r.header)
      if (c >= 'A' && c <= 'Z') std::abort();
  }
  size_t hits = 0;
  auto count = [&](const ms::filter::Rule&) { ++hits; };
  rules.MatchHeader("subject", value, count);
  rules.MatchValue(ms::filter::RuleType::kBody, value, count);
  rules.MatchAttachment(value, static_cast<int64_t>(value.size()), count);
  if (hits > 3 * rules.size()) std::abort();
  return 0;
}
