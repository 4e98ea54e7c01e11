// Small text jobs every parser needs: case-insensitive comparisons of
// ASCII text (protocol keywords, header names, domains), through libowfat's
// case_diffb, and the one decimal number parser.
#ifndef MAILSUITE_LIB_TEXT_H_
#define MAILSUITE_LIB_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ms {

bool EqualsIgnoringCase(std::string_view a, std::string_view b);
bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix);

// s without the characters in `chars` (default: blanks, space and tab) at
// its start, its end, or both.
std::string_view TrimLeft(std::string_view s, std::string_view chars = " \t");
std::string_view TrimRight(std::string_view s, std::string_view chars = " \t");
std::string_view Trim(std::string_view s, std::string_view chars = " \t");

// An unsigned decimal number: one to max_digits ASCII digits and nothing
// else (no sign, no blanks, no base prefix), not above max; nullopt when
// the text is anything else or the value overflows.  Leading zeros count
// as digits.
std::optional<uint64_t> ParseDecimal(std::string_view text, uint64_t max = UINT64_MAX,
                                     size_t max_digits = SIZE_MAX);

// The same with an optional leading '-' (no '+', no blanks), within
// [min, max]: what std::from_chars accepts for a signed type, written once.
std::optional<int64_t> ParseSignedDecimal(std::string_view text, int64_t min = INT64_MIN,
                                          int64_t max = INT64_MAX);

}  // namespace ms

#endif  // MAILSUITE_LIB_TEXT_H_
