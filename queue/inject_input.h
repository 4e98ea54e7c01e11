// The message as a local program hands it to sendmail/mailsuite-inject,
// converted to what the queue stores: lines end in a bare LF, so CRLF
// becomes LF (a CR not followed by LF is kept).  Without -i/-oi a line
// holding only "." ends the message, as in sendmail.
#ifndef MAILSUITE_QUEUE_INJECT_INPUT_H_
#define MAILSUITE_QUEUE_INJECT_INPUT_H_

#include <sys/types.h>

#include <string>
#include <string_view>

namespace ms::queue {

class LineEndFilter {
 public:
  explicit LineEndFilter(bool dot_ends) : dot_ends_(dot_ends) {}
  // Appends the converted form of in to *out.
  void Feed(std::string_view in, std::string* out);
  // At end of input: appends what was held back.
  void Finish(std::string* out);
  bool ended() const { return ended_; }  // the "." line was seen

 private:
  void Put(char c, std::string* out);

  bool dot_ends_;
  bool line_start_ = true;
  bool ended_ = false;
  std::string held_;  // "", "\r", "." or ".\r"
};

class InjectInput {
 public:
  InjectInput(int fd, bool dot_ends) : fd_(fd), filter_(dot_ends) {}
  // Appends up to about 64 KiB of converted input to *out; returns false
  // with errno on a read error.  *eof is set at the end of the message.
  bool ReadMore(std::string* out, bool* eof);

 private:
  int fd_;
  LineEndFilter filter_;
  bool eof_ = false;
};

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_INJECT_INPUT_H_
