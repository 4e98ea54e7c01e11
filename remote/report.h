// The result of one mailsuite-remote run, in qmail-remote's format on fd 1
// (written down in REPORT.md): one entry per recipient in argument order,
// then one for the message.
#ifndef MAILSUITE_REMOTE_REPORT_H_
#define MAILSUITE_REMOTE_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

namespace ms::remote {

enum class Outcome { kAccepted, kPermanent, kTemporary };

struct RecipientResult {
  Outcome outcome = Outcome::kTemporary;
  std::string text;
};

class Report {
 public:
  explicit Report(size_t recipients) : recipients_(recipients) {}

  size_t size() const { return recipients_.size(); }
  const RecipientResult& recipient(size_t i) const { return recipients_[i]; }
  void SetRecipient(size_t i, Outcome outcome, std::string text);
  // Every recipient gets the same result (greeting, MAIL, DATA failures).
  void SetAll(Outcome outcome, const std::string& text);
  // Message line: K when the message was accepted for at least one
  // recipient, else Z when any recipient is deferred, else D.
  void SetMessageText(std::string text) { message_text_ = std::move(text); }
  const std::string& message_text() const { return message_text_; }
  void SetMessageAccepted(bool accepted) { message_accepted_ = accepted; }
  char MessageLetter() const;

  // "r<text>\0" / "h<text>\0" / "s<text>\0" per recipient, then
  // "K<text>\0" / "Z<text>\0" / "D<text>\0".  NUL bytes in texts become '?'.
  std::string Format() const;

 private:
  std::vector<RecipientResult> recipients_;
  std::string message_text_;
  bool message_accepted_ = false;
};

// "host[ip]" as it appears in every text.
std::string HostAndIp(std::string_view host, std::string_view ip);

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_REPORT_H_
