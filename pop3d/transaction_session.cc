#include "pop3d/transaction_session.h"

#include <string>

#include "pop3d/capabilities.h"
#include "pop3d/message_stream.h"

namespace ms::pop3d {

namespace {

void PutNumberLine(Output& out, size_t number, std::string_view value) {
  std::string& b = out.buffer();
  b += std::to_string(number);
  b += ' ';
  b += value;
  b += "\r\n";
  out.FlushIfFull();
}

}  // namespace

TransactionStats TransactionSession::Stats() const {
  TransactionStats s;
  s.retrieved = retrieved_;
  s.retrieved_bytes = retrieved_bytes_;
  for (const MaildirMessage& m : maildir_.messages()) {
    if (!m.deleted) continue;
    ++s.deleted;
    s.deleted_bytes += m.size;
  }
  return s;
}

MaildirMessage* TransactionSession::Find(std::string_view arg, Output& out) {
  std::optional<size_t> n = ParseNumber(arg);
  auto& list = maildir_.messages();
  if (!n || *n == 0 || *n > list.size()) {
    out.Put("-ERR no such message\r\n");
    return nullptr;
  }
  MaildirMessage& m = list[*n - 1];
  if (m.deleted) {
    out.Put("-ERR message is deleted\r\n");
    return nullptr;
  }
  return &m;
}

Outcome TransactionSession::Listing(const Command& command, Output& out, bool uidl) {
  if (command.args.size() > 1) {
    out.Put("-ERR too many arguments\r\n");
    return Outcome::kError;
  }
  auto& list = maildir_.messages();
  if (command.args.size() == 1) {
    MaildirMessage* m = Find(command.args[0], out);
    if (m == nullptr) return Outcome::kError;
    out.Put("+OK ");
    PutNumberLine(out, static_cast<size_t>(m - list.data()) + 1,
                  uidl ? m->uid : std::to_string(m->size));
    return Outcome::kOk;
  }
  out.Put(uidl ? "+OK unique-id listing follows\r\n" : "+OK scan listing follows\r\n");
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].deleted) continue;
    if (uidl) {
      PutNumberLine(out, i + 1, list[i].uid);
    } else {
      PutNumberLine(out, i + 1, std::to_string(list[i].size));
    }
  }
  out.Put(".\r\n");
  return Outcome::kOk;
}

Outcome TransactionSession::Retrieve(const Command& command, Output& out, bool top) {
  size_t want = top ? 2 : 1;
  if (command.args.size() != want) {
    out.Put(top ? "-ERR usage: TOP msg lines\r\n" : "-ERR usage: RETR msg\r\n");
    return Outcome::kError;
  }
  int64_t lines = MessageConverter::kWholeMessage;
  if (top) {
    std::optional<size_t> n = ParseNumber(command.args[1]);
    if (!n) {
      out.Put("-ERR usage: TOP msg lines\r\n");
      return Outcome::kError;
    }
    lines = static_cast<int64_t>(*n);
  }
  MaildirMessage* m = Find(command.args[0], out);
  if (m == nullptr) return Outcome::kError;
  // The +OK line goes into the buffer first; if the file cannot be opened
  // it is taken back and -ERR sent instead.
  size_t mark = out.buffer().size();
  out.buffer() += "+OK " + std::to_string(m->size) + " octets\r\n";
  switch (SendMessage(maildir_.dir_fd(), m->path, lines, out)) {
    case SendResult::kSent:
      ++retrieved_;
      retrieved_bytes_ += m->size;
      return Outcome::kOk;
    case SendResult::kOpenFailed:
      out.buffer().resize(mark);
      out.Put("-ERR [SYS/TEMP] unable to open the message\r\n");
      return Outcome::kError;
    case SendResult::kReadFailed:
    case SendResult::kWriteFailed:
      break;
  }
  // Part of a response went out and cannot be ended correctly.
  return Outcome::kEnd;
}

Outcome TransactionSession::Handle(const Command& command, Output& out) {
  auto& list = maildir_.messages();
  switch (command.verb) {
    case Verb::kStat: {
      size_t count = 0;
      uint64_t octets = 0;
      for (const MaildirMessage& m : list) {
        if (m.deleted) continue;
        ++count;
        octets += m.size;
      }
      out.Put("+OK " + std::to_string(count) + " " + std::to_string(octets) + "\r\n");
      return Outcome::kOk;
    }
    case Verb::kList: return Listing(command, out, false);
    case Verb::kUidl: return Listing(command, out, true);
    case Verb::kRetr: return Retrieve(command, out, false);
    case Verb::kTop: return Retrieve(command, out, true);
    case Verb::kDele: {
      if (command.args.size() != 1) {
        out.Put("-ERR usage: DELE msg\r\n");
        return Outcome::kError;
      }
      MaildirMessage* m = Find(command.args[0], out);
      if (m == nullptr) return Outcome::kError;
      m->deleted = true;
      out.Put("+OK message deleted\r\n");
      return Outcome::kOk;
    }
    case Verb::kRset:
      for (MaildirMessage& m : list) m.deleted = false;
      out.Put("+OK\r\n");
      return Outcome::kOk;
    case Verb::kNoop:
      out.Put("+OK\r\n");
      return Outcome::kOk;
    case Verb::kCapa: {
      CapabilityOptions options;
      options.before_login = false;
      out.Put(CapabilityResponse(options));
      return Outcome::kOk;
    }
    case Verb::kQuit:
      quit_ = true;  // the caller commits, then answers
      return Outcome::kEnd;
    case Verb::kUser:
    case Verb::kPass:
    case Verb::kApop:
    case Verb::kAuth:
    case Verb::kStls:
      out.Put("-ERR already logged in\r\n");
      return Outcome::kError;
    case Verb::kUnknown:
    case Verb::kLast:
      break;
  }
  out.Put("-ERR unknown command\r\n");
  return Outcome::kError;
}

}  // namespace ms::pop3d
