// Applies control/filterrules to what the MIME walk reports (headers,
// attachments, zip members, text lines) and to the envelope, adding each
// match to a Verdict.  Also remembers the attachment name extensions seen
// (for filtercontrol's attach=), bounded.
#ifndef MAILSUITE_FILTER_RULE_SCANNER_H_
#define MAILSUITE_FILTER_RULE_SCANNER_H_

#include <set>
#include <string>
#include <string_view>

#include "envelope.h"
#include "filter/mime_walk.h"
#include "filter/rules.h"
#include "filter/verdict.h"

namespace ms::filter {

class RuleScanner : public WalkHandler {
 public:
  static constexpr size_t kMaxExtensions = 64;

  RuleScanner(const RuleSet& rules, Verdict* verdict) : rules_(rules), verdict_(verdict) {}

  void OnHeader(std::string_view name, std::string_view value) override;
  void OnAttachment(std::string_view name, uint64_t size, std::string_view inside) override;
  void OnBodyLine(std::string_view line) override;
  bool WantsBody() const override { return wants_body_; }

  void CheckEnvelope(const Envelope& envelope, std::string_view remote_ip);
  // Lower-case extensions (".exe") of every attachment and zip member.
  const std::set<std::string>& extensions() const { return extensions_; }
  // Attachment names seen, for the log (count only).
  size_t attachments() const { return attachments_; }

 private:
  void Matched(const Rule& rule);

  const RuleSet& rules_;
  Verdict* verdict_;
  bool wants_body_ = rules_.HasType(RuleType::kBody);
  std::set<std::string> extensions_;
  size_t attachments_ = 0;
};

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_RULE_SCANNER_H_
