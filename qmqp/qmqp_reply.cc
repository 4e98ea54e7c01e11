#include "qmqp/qmqp_reply.h"

#include "qmqp/netstring.h"

namespace ms::qmqp {

namespace {

bool IsStatusCode(std::string_view code, char klass) {
  // "5.1.3": class digit, '.', 1-3 digits, '.', 1-3 digits (RFC 3463).
  if (code.size() < 5 || code[0] != klass || code[1] != '.') return false;
  size_t dot = code.find('.', 2);
  if (dot == std::string_view::npos || dot == 2 || dot > 5 || dot + 1 == code.size() ||
      code.size() - dot - 1 > 3)
    return false;
  for (size_t i = 2; i < code.size(); ++i)
    if (i != dot && (code[i] < '0' || code[i] > '9')) return false;
  return true;
}

}  // namespace

std::string EncodeReply(char letter, std::string_view text) {
  std::string content(1, letter);
  content.append(text);
  return EncodeNetstring(content);
}

std::string ReplyForVerdict(const QueueVerdict& verdict, pid_t queue_pid, time_t now) {
  if (verdict.queued)
    return EncodeReply('K', "ok " + std::to_string(now) + " qp " + std::to_string(queue_pid));
  return EncodeReply(verdict.permanent ? 'D' : 'Z', verdict.text + " (#" + verdict.enhanced + ")");
}

ReplyParse ParseReply(std::string_view in, Reply* reply) {
  std::string_view content;
  size_t used = 0;
  switch (ParseNetstring(in, kMaxReply, &content, &used)) {
    case NetstringLength::State::kMore:
      return ReplyParse::kNeedMore;
    case NetstringLength::State::kMalformed:
    case NetstringLength::State::kTooLong:
      return ReplyParse::kMalformed;
    case NetstringLength::State::kDone:
      break;
  }
  if (content.empty() || (content[0] != 'K' && content[0] != 'Z' && content[0] != 'D'))
    return ReplyParse::kMalformed;
  reply->letter = content[0];
  reply->text.clear();
  for (char c : content.substr(1)) {
    unsigned char u = static_cast<unsigned char>(c);
    reply->text.push_back(u >= 32 && u < 127 ? c : '?');
  }
  return ReplyParse::kDone;
}

std::string Fd6Text(const Reply& reply) {
  std::string_view text = reply.text;
  char klass = reply.letter == 'D' ? '5' : '4';
  size_t open = text.rfind(" (#");
  if (open != std::string_view::npos && !text.empty() && text.back() == ')') {
    std::string_view code = text.substr(open + 3, text.size() - open - 4);
    if (IsStatusCode(code, klass)) return std::string(code) + " " + std::string(text.substr(0, open));
  }
  return std::string(text);
}

}  // namespace ms::qmqp
