#include "send/outcome.h"

namespace ms::send {

namespace {

std::string Clip(std::string_view text) {
  if (text.size() > kMaxReason) text = text.substr(0, kMaxReason);
  return std::string(text);
}

std::string CrashReason(const char* program, const ExitStatus& status) {
  return std::string(program) + " crashed (signal " + std::to_string(status.signal) + ")";
}

}  // namespace

RecipientOutcome LocalOutcome(const ExitStatus& status, std::string_view output) {
  std::string_view line = output.substr(0, output.find('\n'));
  if (!status.exited) return {Outcome::kDeferral, CrashReason("mailsuite-local", status)};
  switch (status.code) {
    case 0:
      return {Outcome::kSuccess, Clip(line.empty() ? "delivered" : line)};
    case 100:
      return {Outcome::kFailure, Clip(line.empty() ? "permanent failure, no reason given" : line)};
    case 111:
      return {Outcome::kDeferral, Clip(line.empty() ? "temporary failure, no reason given" : line)};
    default:
      return {Outcome::kDeferral,
              "mailsuite-local exited " + std::to_string(status.code) +
                  (line.empty() ? std::string() : ": " + Clip(line))};
  }
}

std::vector<RecipientOutcome> ParseRemoteReport(const ExitStatus& status,
                                                std::string_view report, size_t recipients) {
  std::vector<RecipientOutcome> out(recipients);
  if (!status.exited) {
    for (auto& o : out) o = {Outcome::kDeferral, CrashReason("mailsuite-remote", status)};
    return out;
  }
  // REPORT.md: exit 0 with a report, or 100 (invoked wrongly) with one;
  // any other exit means "try again later" whatever was written.
  if (status.code != 0 && status.code != 100) {
    std::string reason = "mailsuite-remote exited " + std::to_string(status.code);
    for (auto& o : out) o = {Outcome::kDeferral, reason};
    return out;
  }
  // Records are NUL-terminated; a record with no NUL (truncated output) is
  // not trusted.  Recipient records come first, in argv order; the first
  // K/Z/D record is the message's and ends the report.
  std::vector<char> codes(recipients, 0);
  std::vector<std::string_view> texts(recipients);
  size_t next = 0;
  char message_code = 0;
  std::string_view message_text;
  while (!report.empty()) {
    size_t nul = report.find('\0');
    if (nul == std::string_view::npos) break;
    std::string_view record = report.substr(0, nul);
    report.remove_prefix(nul + 1);
    if (record.empty()) continue;
    char code = record.front();
    if (code == 'r' || code == 'h' || code == 's') {
      if (next < recipients) {
        codes[next] = code;
        texts[next] = record.substr(1);
        ++next;
      }
    } else if (code == 'K' || code == 'Z' || code == 'D') {
      message_code = code;
      message_text = record.substr(1);
      break;
    }
  }
  std::string fallback = "mailsuite-remote gave no complete report";
  for (size_t i = 0; i < recipients; ++i) {
    std::string_view text = texts[i];
    switch (codes[i]) {
      case 'h':
        out[i] = {Outcome::kFailure, Clip(text)};
        continue;
      case 's':
        out[i] = {Outcome::kDeferral, Clip(text)};
        continue;
      default:
        break;
    }
    // 'r' (accepted) or no record: the message's result decides.  An
    // accepted recipient counts as delivered only after K; K for a
    // recipient the report never mentioned is not trusted (a duplicate is
    // better than a loss).
    switch (message_code) {
      case 'K':
        out[i] = codes[i] == 'r'
                     ? RecipientOutcome{Outcome::kSuccess, Clip(message_text)}
                     : RecipientOutcome{Outcome::kDeferral,
                                        "mailsuite-remote reported no result for this recipient"};
        break;
      case 'D':
        out[i] = {Outcome::kFailure, Clip(message_text)};
        break;
      case 'Z':
        out[i] = {Outcome::kDeferral, Clip(message_text)};
        break;
      default:
        out[i] = {Outcome::kDeferral, fallback};
        break;
    }
  }
  return out;
}

}  // namespace ms::send
