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

}  // namespace ms
