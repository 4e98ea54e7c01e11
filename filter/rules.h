// control/filterrules: content rules in qmail-scanner's quarantine-events
// format (DESIGN.md "mailsuite-filter"), one rule per line:
//
//   PATTERN <TAB> TYPE <TAB> TEXT [<TAB> ACTION]
//
// PATTERN is a POSIX extended regular expression matched
// case-insensitively against the WHOLE value (compiled as ^(PATTERN)$).
// TYPE is SIZE=n (an attachment whose decoded file name matches and whose
// decoded size is n octets; SIZE=-1 any size), Policy-<Header>: (that
// header's unfolded, decoded value, in the message's header section or in
// any MIME part's), Policy-MAILFROM:, Policy-RCPTTO: (any recipient),
// Policy-REMOTEIPADDR: ($TCPREMOTEIP) or Policy-Body: (a decoded text
// line).  ACTION is reject (the default), tempfail, discard, quarantine,
// tag or warn.  Runs of tabs separate fields (qmail-scanner's files align
// columns with several tabs); '#' starts a comment line.
#ifndef MAILSUITE_FILTER_RULES_H_
#define MAILSUITE_FILTER_RULES_H_

#include <regex.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::filter {

// Ordered from the weakest to the strongest: when several rules match,
// the strongest action decides (ties: the first rule in the file).
enum class Action { kWarn, kTag, kDiscard, kQuarantine, kTempfail, kReject };

std::string_view ActionName(Action action);
// "reject", "tempfail", ... ; false for anything else.
bool ParseAction(std::string_view word, Action* action);

enum class RuleType { kSize, kHeader, kMailFrom, kRcptTo, kRemoteIp, kBody };

struct Rule {
  std::string pattern;  // as written
  RuleType type = RuleType::kHeader;
  std::string header;   // kHeader: the header name, lower case
  int64_t size = -1;    // kSize: -1 any size
  std::string text;
  Action action = Action::kReject;
  int line = 0;         // in filterrules, for the log
};

// A compiled regex_t, freed with the object.
class Regex {
 public:
  Regex() = default;
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  ~Regex();
  // Compiles ^(pattern)$, extended, case-insensitive, no sub-matches.
  Status Compile(const std::string& pattern);
  // Whole-value match.  NUL bytes end the value (regexec's contract).
  bool Matches(std::string_view value) const;

 private:
  regex_t re_{};
  bool compiled_ = false;
};

class RuleSet {
 public:
  // Longest line and most rules accepted: the file is the operator's, but
  // a broken one must fail clearly, not exhaust memory.
  static constexpr size_t kMaxRules = 10000;
  static constexpr size_t kMaxLine = 4096;

  // Parses filterrules text.  Error names the line that is wrong; the
  // filter then tempfails (a broken rules file never passes mail unchecked).
  static Result<std::shared_ptr<RuleSet>> Parse(std::string_view text);

  size_t size() const { return rules_.size(); }
  const Rule& rule(size_t i) const { return rules_[i]->rule; }
  bool HasType(RuleType type) const;
  bool HasHeaderRules() const { return HasType(RuleType::kHeader); }

  // Calls on_match(rule) for every rule of that kind matching value.
  template <typename F>
  void MatchHeader(std::string_view lower_name, std::string_view value, F&& on_match) const {
    for (const auto& c : rules_)
      if (c->rule.type == RuleType::kHeader && c->rule.header == lower_name && c->re.Matches(value))
        on_match(c->rule);
  }
  template <typename F>
  void MatchValue(RuleType type, std::string_view value, F&& on_match) const {
    for (const auto& c : rules_)
      if (c->rule.type == type && c->re.Matches(value)) on_match(c->rule);
  }
  template <typename F>
  void MatchAttachment(std::string_view name, int64_t size, F&& on_match) const {
    for (const auto& c : rules_)
      if (c->rule.type == RuleType::kSize && (c->rule.size < 0 || c->rule.size == size) &&
          c->re.Matches(name))
        on_match(c->rule);
  }

 private:
  struct Compiled {
    Rule rule;
    Regex re;
  };
  std::vector<std::unique_ptr<Compiled>> rules_;
};

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_RULES_H_
