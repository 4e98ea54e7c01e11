#include "dkim_keys_control.h"

#include "address.h"

namespace ms::dkim {

Result<std::vector<KeyEntry>> ParseKeyEntries(const std::vector<std::string>& lines) {
  std::vector<KeyEntry> entries;
  for (const std::string& line : lines) {
    size_t c1 = line.find(':');
    size_t c2 = c1 == std::string::npos ? std::string::npos : line.find(':', c1 + 1);
    if (c2 == std::string::npos) return MakeError("dkimkeys: not domain:selector:keyfile: " + line);
    KeyEntry e{LowerCase(line.substr(0, c1)), line.substr(c1 + 1, c2 - c1 - 1), line.substr(c2 + 1)};
    if (e.domain != "*" && !IsValidDomain(e.domain)) return MakeError("dkimkeys: bad domain: " + line);
    if (e.selector.empty() || !IsValidDomain(LowerCase(e.selector))) {
      return MakeError("dkimkeys: bad selector: " + line);
    }
    if (e.keyfile.empty()) return MakeError("dkimkeys: no key file: " + line);
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<std::vector<KeyEntry>> LoadKeyEntries(const Control& control) {
  auto lines = control.Lines("dkimkeys");
  if (!lines.ok()) return lines.error();
  return ParseKeyEntries(*lines);
}

std::optional<ChosenKey> ChooseKey(const std::vector<KeyEntry>& entries, std::string_view domain) {
  if (domain.empty()) return std::nullopt;
  std::string lower = LowerCase(domain);
  for (const KeyEntry& e : entries) {
    if (e.domain == lower) return ChosenKey{lower, e.selector, e.keyfile};
  }
  for (const KeyEntry& e : entries) {
    if (e.domain == "*") return ChosenKey{lower, e.selector, e.keyfile};
  }
  return std::nullopt;
}

std::string KeyPath(const Control& control, const std::string& keyfile) {
  return keyfile[0] == '/' ? keyfile : control.PathOf(keyfile);
}

}  // namespace ms::dkim
