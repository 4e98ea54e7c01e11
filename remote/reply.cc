#include "remote/reply.h"

#include <algorithm>

namespace ms::remote {

namespace {

// The longest line we buffer while waiting for its end; a longer line is
// consumed and truncated once it exceeds this, so a server cannot make us
// allocate without bound.
constexpr size_t kMaxLineBuffer = 64 * 1024;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Sanitize(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\0' || c == '\r' || c == '\n') c = '?';
  }
  return out;
}

}  // namespace

std::string Reply::Joined() const {
  std::string out = std::to_string(code);
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    out += ' ';
    out += line;
    if (out.size() >= kMaxReplyText) {
      out.resize(kMaxReplyText);
      break;
    }
  }
  return out;
}

void ReplyParser::Feed(std::string_view data) {
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
  buffer_.append(data);
}

ReplyParser::State ReplyParser::ParseLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2]) ||
      line[0] < '2' || line[0] > '5' || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    return State::kMalformed;
  }
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (in_reply_ && code != current_.code) return State::kMalformed;
  in_reply_ = true;
  current_.code = code;
  std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
  if (current_.lines.size() < kMaxReplyLines && current_text_ < kMaxReplyText) {
    text = text.substr(0, std::min(text.size(), kMaxReplyText - current_text_));
    current_text_ += text.size();
    current_.lines.push_back(Sanitize(text));
  }
  bool last = line.size() == 3 || line[3] == ' ';
  return last ? State::kReply : State::kNeedMore;
}

ReplyParser::State ReplyParser::Next(Reply* reply) {
  if (malformed_) return State::kMalformed;
  for (;;) {
    std::string_view rest(buffer_.data() + pos_, buffer_.size() - pos_);
    size_t lf = rest.find('\n');
    std::string_view line;
    if (lf == std::string_view::npos) {
      if (rest.size() < kMaxLineBuffer) return State::kNeedMore;
      // No server sends a 64 KiB line: stop buffering and give up on it.
      malformed_ = true;
      return State::kMalformed;
    }
    line = rest.substr(0, lf);
    pos_ += lf + 1;
    State s = ParseLine(line);
    if (s == State::kMalformed) {
      malformed_ = true;
      return s;
    }
    if (s == State::kReply) {
      *reply = std::move(current_);
      current_ = Reply();
      current_text_ = 0;
      in_reply_ = false;
      if (pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
      }
      return s;
    }
  }
}

}  // namespace ms::remote
