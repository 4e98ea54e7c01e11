#include "dkim_tags.h"

#include <algorithm>

namespace ms::dkim {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsValChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 0x21 && u <= 0x3a) || (u >= 0x3c && u <= 0x7e) || u >= 0x80;
}

std::string_view TrimFws(std::string_view s) {
  while (!s.empty() && IsFws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsFws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<TagList> TagList::Parse(std::string_view text) {
  TagList list;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view spec = text.substr(pos, end - pos);
    size_t spec_begin = pos;
    pos = end + 1;
    if (TrimFws(spec).empty()) {
      // Only the last spec may be empty (the optional final ";"), and a
      // list that is empty as a whole is valid syntax (its readers then
      // miss their required tags).
      if (pos >= text.size()) break;
      return MakeError("empty tag-spec");
    }
    size_t eq = spec.find('=');
    if (eq == std::string_view::npos) return MakeError("tag-spec without \"=\"");
    std::string_view name = TrimFws(spec.substr(0, eq));
    std::string_view value = TrimFws(spec.substr(eq + 1));
    if (name.empty() || !IsAlpha(name[0])) return MakeError("bad tag name");
    for (char c : name) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '_') return MakeError("bad tag name");
    }
    for (char c : value) {
      if (!IsValChar(c) && !IsFws(c)) return MakeError("bad character in the value of tag " + std::string(name));
    }
    list.tags_.push_back(Tag{name, value, spec_begin + eq + 1, spec_begin + spec.size()});
  }
  // Duplicates, in n log n: a hostile list may hold a million tags.
  std::vector<std::string_view> names;
  names.reserve(list.tags_.size());
  for (const Tag& t : list.tags_) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  auto dup = std::adjacent_find(names.begin(), names.end());
  if (dup != names.end()) return MakeError("tag " + std::string(*dup) + " appears twice");
  return list;
}

const std::string_view* TagList::Find(std::string_view name) const {
  for (const Tag& t : tags_) {
    if (t.name == name) return &t.value;
  }
  return nullptr;
}

std::string WithoutFws(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (!IsFws(c)) out += c;
  }
  return out;
}

std::vector<std::string_view> SplitColonList(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (;;) {
    size_t colon = text.find(':', pos);
    std::string_view item = text.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    out.push_back(TrimFws(item));
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
  }
  return out;
}

}  // namespace ms::dkim
