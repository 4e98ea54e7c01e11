// The public suffix list (publicsuffix.org, Debian's `publicsuffix`
// package): which names are registries ("co.uk", "*.kobe.jp") and so
// where an organisation's own domain starts.  DMARC (RFC 7489 3.2) aligns
// identifiers by their Organizational Domain: the public suffix plus one
// label.
//
// The list's algorithm: of the rules matching a domain, an exception rule
// ("!www.ck") wins and its suffix is the rule without its first label;
// otherwise the rule with the most labels wins; no match means the
// implicit rule "*" (the last label).  Both the ICANN and the PRIVATE
// sections are used, as OpenDMARC does.
//
// Internationalised names: the file writes rules in U-labels ("公司.cn"),
// the suite compares domains in A-labels ("xn--55qx5d.cn", smtpd's IDN
// handling, lib/utf8_address.h).  Rules are converted to A-labels when the
// list is read (DomainToAscii: libidn2, the flags the suite uses
// everywhere); a rule that has no A-label form is skipped and counted
// (skipped_rules).  A domain asked about is converted the same way first,
// so both spellings of a domain find the same rule, and the answer is
// always in A-labels (what DNS is asked for).
#ifndef MAILSUITE_LIB_PUBLIC_SUFFIX_H_
#define MAILSUITE_LIB_PUBLIC_SUFFIX_H_

#include <string>
#include <string_view>
#include <unordered_set>

#include "result.h"

namespace ms {

inline constexpr const char* kPublicSuffixFile = "/usr/share/publicsuffix/public_suffix_list.dat";

class PublicSuffixList {
 public:
  // The list in the file's format: one rule per line, "//" comments.
  static PublicSuffixList Parse(std::string_view text);
  static Result<PublicSuffixList> Load(const std::string& path = kPublicSuffixFile);

  // The Organizational Domain of domain (A-labels, lower-cased, no final
  // dot); the domain itself when it is a public suffix or has one label.
  std::string OrganizationalDomain(std::string_view domain) const;

  size_t rules() const { return normal_.size() + wildcard_.size() + exception_.size(); }
  // U-label rules left out because they have no A-label form.
  size_t skipped_rules() const { return skipped_; }

 private:
  // How many labels (from the right) the public suffix of domain has.
  size_t SuffixLabels(std::string_view domain) const;

  std::unordered_set<std::string> normal_;     // "co.uk"
  std::unordered_set<std::string> wildcard_;   // "kobe.jp" for "*.kobe.jp"
  std::unordered_set<std::string> exception_;  // "city.kobe.jp" for "!city.kobe.jp"
  size_t skipped_ = 0;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_PUBLIC_SUFFIX_H_
