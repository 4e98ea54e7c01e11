// control/filtercontrol: per address or domain policy, as simscan's
// simcontrol.  One entry per line:
//
//   KEY:opt=value,opt=value,...
//
// KEY is an address (user@example.com), a domain (@example.com or
// example.com, the same) or empty (the default).  Options: clam=yes|no,
// spam=yes|no, spamreject=N (a score; overrides control/spamreject),
// rules=yes|no (control/filterrules), attach=.exe:.scr (attachment name
// extensions refused), dmarc=yes|no (sender authentication: SPF, DKIM
// and DMARC results in an Authentication-Results header, DMARC policy
// with control/dmarcenforce).  Unnamed options keep their
// defaults (everything on, no attachment list).  The entry used is the
// most specific one for the envelope sender, else for the first
// recipient, else the default.
#ifndef MAILSUITE_FILTER_FILTER_CONTROL_H_
#define MAILSUITE_FILTER_FILTER_CONTROL_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "envelope.h"
#include "result.h"

namespace ms::filter {

struct FilterPolicy {
  bool clam = true;
  bool spam = true;
  bool rules = true;
  bool dmarc = true;
  std::optional<double> spam_reject;
  std::vector<std::string> attach;  // lower case, each starting with '.'
  std::string key = "(built-in default)";  // which entry applied, for the log
};

class FilterControl {
 public:
  static Result<FilterControl> Parse(const std::vector<std::string>& lines);
  FilterPolicy For(const Envelope& envelope) const;

 private:
  const FilterPolicy* Lookup(std::string_view address) const;
  std::map<std::string, FilterPolicy> entries_;  // lower-case key
};

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_FILTER_CONTROL_H_
