#include "filter/rule_scanner.h"

#include "address.h"
#include "filter/mime_text.h"

namespace ms::filter {

void RuleScanner::Matched(const Rule& rule) {
  verdict_->Add(Hit{rule.action, rule.text, "rule:" + std::to_string(rule.line), "5.7.1"});
}

void RuleScanner::OnHeader(std::string_view name, std::string_view value) {
  rules_.MatchHeader(name, value, [this](const Rule& r) { Matched(r); });
}

void RuleScanner::OnAttachment(std::string_view name, uint64_t size, std::string_view inside) {
  ++attachments_;
  rules_.MatchAttachment(name, static_cast<int64_t>(size), [this](const Rule& r) { Matched(r); });
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && name.size() - dot <= 16 && extensions_.size() < kMaxExtensions)
    extensions_.insert(LowerCase(name.substr(dot)));
}

void RuleScanner::OnBodyLine(std::string_view line) {
  rules_.MatchValue(RuleType::kBody, line, [this](const Rule& r) { Matched(r); });
}

void RuleScanner::CheckEnvelope(const Envelope& envelope, std::string_view remote_ip) {
  auto matched = [this](const Rule& r) { Matched(r); };
  rules_.MatchValue(RuleType::kMailFrom, envelope.sender, matched);
  for (const std::string& rcpt : envelope.recipients) rules_.MatchValue(RuleType::kRcptTo, rcpt, matched);
  if (!remote_ip.empty()) rules_.MatchValue(RuleType::kRemoteIp, remote_ip, matched);
}

}  // namespace ms::filter
