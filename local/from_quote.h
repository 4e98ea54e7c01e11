// mbox body quoting (mboxrd): every line matching ^>*From  gets one more
// '>', so a reader that strips one '>' from such lines gets the message
// back exactly.  Streams: input may be cut anywhere.  Finish() ends the
// message with a newline if it lacks one, plus the blank line that
// separates it from the next "From " line.
#ifndef MAILSUITE_LOCAL_FROM_QUOTE_H_
#define MAILSUITE_LOCAL_FROM_QUOTE_H_

#include <string>
#include <string_view>

namespace ms::local {

class FromQuoter {
 public:
  void Feed(std::string_view in, std::string* out);
  void Finish(std::string* out);

 private:
  void FlushPending(std::string* out, bool quote);

  bool at_line_start_ = true;
  bool last_was_newline_ = true;
  bool empty_ = true;
  std::string pending_;  // start of a line that may still become ">*From "
};

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_FROM_QUOTE_H_
