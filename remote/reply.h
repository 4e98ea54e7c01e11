// SMTP replies as a remote server sends them (RFC 5321 section 4.2):
//
//   reply-line = code ( "-" text CRLF )* code [ SP text ] CRLF
//
// The parser is fed raw bytes as they arrive and hands out complete
// replies.  The server is outside input, so it is hostile until proven
// otherwise: a line may end with a bare LF, may hold NUL bytes (kept as
// '?', because NUL separates fields in our report), may be long (text
// beyond kMaxReplyText per reply is dropped; a line without LF after 64 KiB
// is malformed, so buffering is bounded), and
// may not start with a 3-digit code (a malformed reply: the session ends
// with a temporary failure).
#ifndef MAILSUITE_REMOTE_REPLY_H_
#define MAILSUITE_REMOTE_REPLY_H_

#include <string>
#include <string_view>
#include <vector>

namespace ms::remote {

inline constexpr size_t kMaxReplyText = 4096;   // kept per reply
inline constexpr size_t kMaxReplyLines = 100;   // kept per reply (EHLO keywords)

struct Reply {
  int code = 0;                     // 200..599 (first digit 2..5)
  std::vector<std::string> lines;   // the text of each line after "NNN-" / "NNN "
  // "550 5.1.1 first line second line": the code and every line's text,
  // joined by single spaces, at most kMaxReplyText bytes.
  std::string Joined() const;
  bool Positive() const { return code / 100 == 2; }
  bool Intermediate() const { return code / 100 == 3; }
  bool Temporary() const { return code / 100 == 4; }
  bool Permanent() const { return code / 100 == 5; }
};

class ReplyParser {
 public:
  enum class State { kNeedMore, kReply, kMalformed };

  // Appends bytes received from the server.
  void Feed(std::string_view data);
  // Takes the next complete reply out of what was fed.  kMalformed is
  // sticky: a server that broke the syntax once is not trusted again.
  State Next(Reply* reply);
  // Bytes fed but not yet part of a returned reply.
  size_t Pending() const { return buffer_.size() - pos_; }

 private:
  State ParseLine(std::string_view line);

  std::string buffer_;
  size_t pos_ = 0;          // start of the first unconsumed byte in buffer_
  Reply current_;
  size_t current_text_ = 0; // bytes of text kept in current_
  bool in_reply_ = false;
  bool malformed_ = false;
};

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_REPLY_H_
