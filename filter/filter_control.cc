#include "filter/filter_control.h"

#include <cstdlib>

#include "address.h"
#include "filter/mime_text.h"

namespace ms::filter {

namespace {

bool YesNo(std::string_view v, bool* out) {
  if (v == "yes" || v == "1") *out = true;
  else if (v == "no" || v == "0") *out = false;
  else return false;
  return true;
}

// "@example.com" and "example.com" name the same entry.
std::string NormalKey(std::string_view key) {
  std::string k = LowerCase(key);
  if (!k.empty() && k[0] == '@') k.erase(0, 1);
  return k;
}

}  // namespace

Result<FilterControl> FilterControl::Parse(const std::vector<std::string>& lines) {
  FilterControl fc;
  for (const std::string& line : lines) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) return MakeError("filtercontrol: no ':' in " + line);
    FilterPolicy policy;
    policy.key = line.substr(0, colon).empty() ? "(default)" : line.substr(0, colon);
    std::string_view opts = std::string_view(line).substr(colon + 1);
    while (!opts.empty()) {
      size_t comma = opts.find(',');
      std::string_view opt = opts.substr(0, comma);
      opts = comma == std::string_view::npos ? std::string_view() : opts.substr(comma + 1);
      if (opt.empty()) continue;
      size_t eq = opt.find('=');
      if (eq == std::string_view::npos) return MakeError("filtercontrol: option without '=' in " + line);
      std::string name = LowerCase(opt.substr(0, eq));
      std::string value = LowerCase(opt.substr(eq + 1));
      bool ok = true;
      if (name == "clam") ok = YesNo(value, &policy.clam);
      else if (name == "spam") ok = YesNo(value, &policy.spam);
      else if (name == "rules") ok = YesNo(value, &policy.rules);
      else if (name == "dmarc") ok = YesNo(value, &policy.dmarc);
      else if (name == "spamreject" || name == "spam_hits") {
        char* end = nullptr;
        double d = std::strtod(value.c_str(), &end);
        ok = !value.empty() && end && *end == '\0' && d > 0;
        if (ok) policy.spam_reject = d;
      } else if (name == "attach") {
        std::string_view v = value;
        while (!v.empty()) {
          size_t c = v.find(':');
          std::string ext(v.substr(0, c));
          v = c == std::string_view::npos ? std::string_view() : v.substr(c + 1);
          if (ext.empty()) continue;
          if (ext[0] != '.') ext.insert(0, ".");
          policy.attach.push_back(ext);
        }
      } else {
        ok = false;
      }
      if (!ok) return MakeError("filtercontrol: bad option " + std::string(opt) + " in " + line);
    }
    fc.entries_[NormalKey(line.substr(0, colon))] = std::move(policy);
  }
  return fc;
}

const FilterPolicy* FilterControl::Lookup(std::string_view address) const {
  std::string a = LowerCase(address);
  if (a.empty()) return nullptr;
  if (auto it = entries_.find(a); it != entries_.end()) return &it->second;
  size_t at = a.rfind('@');
  if (at == std::string::npos) return nullptr;
  if (auto it = entries_.find(a.substr(at + 1)); it != entries_.end()) return &it->second;
  return nullptr;
}

FilterPolicy FilterControl::For(const Envelope& envelope) const {
  if (const FilterPolicy* p = Lookup(envelope.sender)) return *p;
  if (!envelope.recipients.empty())
    if (const FilterPolicy* p = Lookup(envelope.recipients.front())) return *p;
  if (auto it = entries_.find(""); it != entries_.end()) return it->second;
  return FilterPolicy{};
}

}  // namespace ms::filter
