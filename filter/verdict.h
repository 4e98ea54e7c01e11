// What the filter decided about one message, gathered from every check
// (rules, the MIME walk, filtercontrol, clamd, spamd): the strongest
// action wins (rules.h Action order), ties go to the first found.
#ifndef MAILSUITE_FILTER_VERDICT_H_
#define MAILSUITE_FILTER_VERDICT_H_

#include <optional>
#include <string>
#include <vector>

#include "filter/rules.h"

namespace ms::filter {

struct Hit {
  Action action = Action::kReject;
  std::string text;    // the client's text (rule TEXT, "virus found: X", ...)
  std::string source;  // for the log: "rule:12", "virus", "spam", "ambiguous", "attach", "clamd"
  std::string code;    // enhanced status code for reject/tempfail, e.g. "5.7.1"
};

class Verdict {
 public:
  void Add(Hit hit);
  const std::optional<Hit>& decisive() const { return decisive_; }
  bool Refuses() const {
    return decisive_ && (decisive_->action == Action::kReject || decisive_->action == Action::kTempfail);
  }
  // Texts of tag hits, for X-Mailsuite-Rule: (each once, at most kMaxTags).
  const std::vector<std::string>& tags() const { return tags_; }
  size_t warnings() const { return warnings_; }
  static constexpr size_t kMaxTags = 20;

 private:
  std::optional<Hit> decisive_;
  std::vector<std::string> tags_;
  size_t warnings_ = 0;
};

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_VERDICT_H_
