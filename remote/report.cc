#include "remote/report.h"

namespace ms::remote {

namespace {

void AppendField(char letter, std::string_view text, std::string* out) {
  out->push_back(letter);
  for (char c : text) out->push_back(c == '\0' ? '?' : c);
  out->push_back('\0');
}

char RecipientLetter(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccepted: return 'r';
    case Outcome::kPermanent: return 'h';
    case Outcome::kTemporary: return 's';
  }
  return 's';
}

}  // namespace

void Report::SetRecipient(size_t i, Outcome outcome, std::string text) {
  recipients_[i] = RecipientResult{outcome, std::move(text)};
}

void Report::SetAll(Outcome outcome, const std::string& text) {
  for (RecipientResult& r : recipients_) r = RecipientResult{outcome, text};
}

char Report::MessageLetter() const {
  bool any_accepted = false, any_temporary = false;
  for (const RecipientResult& r : recipients_) {
    any_accepted |= r.outcome == Outcome::kAccepted;
    // An accepted recipient whose message was not accepted is still open.
    any_temporary |= r.outcome == Outcome::kTemporary || (r.outcome == Outcome::kAccepted && !message_accepted_);
  }
  if (message_accepted_ && any_accepted) return 'K';
  if (any_temporary || recipients_.empty()) return 'Z';
  return 'D';
}

std::string Report::Format() const {
  std::string out;
  for (const RecipientResult& r : recipients_) AppendField(RecipientLetter(r.outcome), r.text, &out);
  AppendField(MessageLetter(), message_text_, &out);
  return out;
}

std::string HostAndIp(std::string_view host, std::string_view ip) {
  if (!host.empty() && host.front() == '[') return std::string(host);  // a literal names itself
  std::string out(host);
  out += '[';
  out += ip;
  out += ']';
  return out;
}

}  // namespace ms::remote
