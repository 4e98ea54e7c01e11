// The limited SMTP dialogue rblsmtpd holds with a blocked client, byte
// for byte as ucspi-tcp 0.88: "220 rblsmtpd.local", then per line: QUIT
// -> "221 rblsmtpd.local" and hang up; HELO, EHLO, MAIL, RSET, NOOP ->
// "250 rblsmtpd.local"; anything else (RCPT, DATA, ...) -> the reply
// line.  The verb is the line up to its first space, compared without
// case; a line ends at LF, one CR before it is dropped, a NUL does not
// end the verb.  The whole dialogue is limited to -t seconds; then we
// hang up without a word.  With -t 0 only the reply line is sent.
#ifndef MAILSUITE_RBLCHECK_SMTP_DIALOGUE_H_
#define MAILSUITE_RBLCHECK_SMTP_DIALOGUE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ms::rbl {

enum class SmtpVerb { kQuit, kAccept, kReject };

// Splits client bytes into lines and classifies each line's verb without
// keeping the line (memory stays bounded whatever the client sends).
class VerbReader {
 public:
  // Feeds bytes; calls on_line(SmtpVerb) per complete line; stops early
  // and returns false when on_line returns false.
  template <typename F>
  bool Feed(std::string_view bytes, F&& on_line) {
    for (char c : bytes) {
      if (c == '\n') {
        SmtpVerb verb = Classify();
        Reset();
        if (!on_line(verb)) return false;
        continue;
      }
      Add(c);
    }
    return true;
  }

 private:
  void Add(char c);
  SmtpVerb Classify() const;
  void Reset();
  static constexpr size_t kKeep = 6;  // longest verb (4) + CR + one more
  char verb_[kKeep] = {};
  size_t verb_len_ = 0;
  bool verb_ended_ = false;  // a space ended the verb
  bool overflow_ = false;    // the verb is longer than any we know
};

inline constexpr std::string_view kGreeting = "220 rblsmtpd.local\r\n";
inline constexpr std::string_view kAccepted = "250 rblsmtpd.local\r\n";
inline constexpr std::string_view kClosing = "221 rblsmtpd.local\r\n";

// Holds the dialogue on fds in/out with reply (without CRLF) for refused
// commands; timeout_seconds as -t.  Returns when the client hangs up,
// says QUIT, or time is up.
void RunDialogue(int in, int out, std::string_view reply, unsigned long timeout_seconds);

}  // namespace ms::rbl

#endif  // MAILSUITE_RBLCHECK_SMTP_DIALOGUE_H_
