#include "public_suffix.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "address.h"
#include "fd.h"
#include "text.h"
#include "utf8_address.h"

namespace ms {

namespace {

// The label boundaries of domain from the right: positions where the
// suffix of 1, 2, ... labels starts.
std::vector<size_t> SuffixStarts(std::string_view domain) {
  std::vector<size_t> starts;
  size_t end = domain.size();
  while (end > 0) {
    size_t dot = domain.rfind('.', end - 1);
    size_t start = dot == std::string_view::npos ? 0 : dot + 1;
    starts.push_back(start);
    if (dot == std::string_view::npos) break;
    end = dot;
  }
  return starts;
}

}  // namespace

PublicSuffixList PublicSuffixList::Parse(std::string_view text) {
  PublicSuffixList list;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // A rule is the line's first word; the rest of the line is ignored.
    line = Trim(line, " \t\r");
    line = line.substr(0, line.find_first_of(" \t"));
    if (line.empty() || line.substr(0, 2) == "//") continue;
    std::unordered_set<std::string>* rules = &list.normal_;
    if (line[0] == '!') {
      rules = &list.exception_;
      line.remove_prefix(1);
    } else if (line.substr(0, 2) == "*.") {
      rules = &list.wildcard_;
      line.remove_prefix(2);
    }
    // DomainToAscii lower-cases an ASCII rule without calling libidn2.
    std::optional<std::string> rule = DomainToAscii(line);
    if (!rule || rule->empty()) {
      ++list.skipped_;
      continue;
    }
    rules->insert(std::move(*rule));
  }
  return list;
}

Result<PublicSuffixList> PublicSuffixList::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return Error{"public suffix list " + path + ": " + text.error().message, text.error().code};
  PublicSuffixList list = Parse(*text);
  if (list.rules() == 0) return Error{"public suffix list " + path + ": no rules"};
  return list;
}

size_t PublicSuffixList::SuffixLabels(std::string_view domain) const {
  std::vector<size_t> starts = SuffixStarts(domain);
  size_t best = 1;  // the implicit rule "*"
  for (size_t labels = 1; labels <= starts.size(); ++labels) {
    std::string suffix(domain.substr(starts[labels - 1]));
    if (exception_.count(suffix)) return labels - 1;  // an exception wins outright
    if (normal_.count(suffix)) best = std::max(best, labels);
  }
  // "*.kobe.jp" matches any one label in front of kobe.jp.
  for (size_t labels = 2; labels <= starts.size(); ++labels) {
    std::string base(domain.substr(starts[labels - 2]));
    if (wildcard_.count(base)) best = std::max(best, labels);
  }
  return best;
}

std::string PublicSuffixList::OrganizationalDomain(std::string_view domain) const {
  std::string name(domain);
  while (!name.empty() && name.back() == '.') name.pop_back();
  name = ComparableDomain(name);  // A-labels, lower case
  std::vector<size_t> starts = SuffixStarts(name);
  size_t suffix = SuffixLabels(name);
  if (suffix + 1 > starts.size()) return name;  // the domain is a public suffix itself
  return name.substr(starts[suffix]);
}

}  // namespace ms
