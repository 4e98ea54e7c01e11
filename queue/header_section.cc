#include "queue/header_section.h"

#include <strings.h>

namespace ms::queue {

std::string_view HeaderField::value() const {
  std::string_view t = text;
  size_t colon = t.find(':');
  return colon == std::string_view::npos ? std::string_view() : t.substr(colon + 1);
}

bool HeaderField::Is(std::string_view other) const {
  return name.size() == other.size() && ::strncasecmp(name.data(), other.data(), name.size()) == 0;
}

bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == ':') return false;
  }
  return true;
}

HeaderSection ParseHeaderSection(std::string_view data, bool at_eof) {
  HeaderSection section;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) {
      if (!at_eof) {
        section.body_offset = pos;
        return section;  // incomplete: need more data
      }
      eol = data.size() - 1;  // a last line without its newline
    }
    std::string_view line = data.substr(pos, eol + 1 - pos);
    std::string_view bare = line.back() == '\n' ? line.substr(0, line.size() - 1) : line;
    if (bare.empty()) {
      section.body_offset = eol + 1;
      section.blank_line = true;
      section.complete = true;
      return section;
    }
    if (bare.front() == ' ' || bare.front() == '\t') {
      if (section.fields.empty()) break;  // a continuation of nothing: body
      section.fields.back().text += line;
    } else {
      size_t colon = bare.find(':');
      if (colon == std::string_view::npos) break;
      std::string_view name = bare.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      if (!IsFieldName(name)) break;
      section.fields.push_back({std::string(name), std::string(line)});
    }
    pos = eol + 1;
  }
  section.body_offset = pos;
  section.complete = pos < data.size() || at_eof;
  return section;
}

}  // namespace ms::queue
