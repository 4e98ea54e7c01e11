// Case-insensitive comparisons of ASCII text (protocol keywords, header
// names, domains), through libowfat's case_diffb.
#ifndef MAILSUITE_LIB_TEXT_H_
#define MAILSUITE_LIB_TEXT_H_

#include <string_view>

namespace ms {

bool EqualsIgnoringCase(std::string_view a, std::string_view b);
bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix);

}  // namespace ms

#endif  // MAILSUITE_LIB_TEXT_H_
