#include "rblcheck/smtp_dialogue.h"

#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "deadline.h"
#include "fd.h"

namespace ms::rbl {

void VerbReader::Add(char c) {
  if (verb_ended_ || overflow_) return;
  if (c == ' ') {
    verb_ended_ = true;
    return;
  }
  if (verb_len_ == kKeep) {
    overflow_ = true;
    return;
  }
  verb_[verb_len_++] = c;
}

SmtpVerb VerbReader::Classify() const {
  if (overflow_) return SmtpVerb::kReject;
  size_t len = verb_len_;
  // The CR of CRLF ends the line only when no space came before it;
  // otherwise it is part of the argument, which we do not keep.
  if (!verb_ended_ && len > 0 && verb_[len - 1] == '\r') --len;
  if (len != 4) return SmtpVerb::kReject;
  auto is = [&](const char* word) { return strncasecmp(verb_, word, 4) == 0; };
  if (is("quit")) return SmtpVerb::kQuit;
  if (is("helo") || is("ehlo") || is("mail") || is("rset") || is("noop")) {
    return SmtpVerb::kAccept;
  }
  return SmtpVerb::kReject;
}

void VerbReader::Reset() {
  verb_len_ = 0;
  verb_ended_ = false;
  overflow_ = false;
}

void RunDialogue(int in, int out, std::string_view reply, unsigned long timeout_seconds) {
  std::string refusal(reply);
  refusal += "\r\n";
  if (timeout_seconds == 0) {
    WriteAll(out, refusal);
    return;
  }
  // Time limits the whole dialogue, not each read (as alarm() in the
  // reference); writes are bounded too.
  Deadline deadline = timeout_seconds > 86400 * 365 ? Deadline::Never()
                                                     : Deadline::AfterSeconds(static_cast<int64_t>(timeout_seconds));
  if (!WriteAllWithDeadline(out, kGreeting.data(), kGreeting.size(), deadline)) return;
  VerbReader reader;
  char buf[4096];
  for (;;) {
    ssize_t r = ReadWithDeadline(in, buf, sizeof buf, deadline);
    if (r <= 0) return;
    bool go_on = reader.Feed(std::string_view(buf, static_cast<size_t>(r)), [&](SmtpVerb verb) {
      std::string_view answer = verb == SmtpVerb::kQuit     ? kClosing
                                : verb == SmtpVerb::kAccept ? kAccepted
                                                            : std::string_view(refusal);
      if (!WriteAllWithDeadline(out, answer.data(), answer.size(), deadline)) return false;
      return verb != SmtpVerb::kQuit;
    });
    if (!go_on) return;
  }
}

}  // namespace ms::rbl
