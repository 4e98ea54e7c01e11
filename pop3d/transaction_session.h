// The TRANSACTION state (RFC 1939 section 5) of the post-login role over a
// scanned Maildir: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, CAPA,
// QUIT.  Deletions are only marked here; the caller commits them (the
// UPDATE state) when the session ended with QUIT, and only then.
#ifndef MAILSUITE_POP3D_TRANSACTION_SESSION_H_
#define MAILSUITE_POP3D_TRANSACTION_SESSION_H_

#include <cstdint>
#include <optional>

#include "pop3d/command_loop.h"
#include "pop3d/maildir.h"

namespace ms::pop3d {

struct TransactionStats {
  uint64_t retrieved = 0;        // RETR and TOP responses completed
  uint64_t retrieved_bytes = 0;  // their message octets (as listed)
  uint64_t deleted = 0;          // marked at QUIT time
  uint64_t deleted_bytes = 0;
};

class TransactionSession : public CommandHandler {
 public:
  explicit TransactionSession(Maildir& maildir) : maildir_(maildir) {}

  Outcome Handle(const Command& command, Output& out) override;

  bool quit() const { return quit_; }
  TransactionStats Stats() const;

 private:
  // The message a "msg" argument names, if it exists and is not deleted;
  // otherwise puts the -ERR reply.
  MaildirMessage* Find(std::string_view arg, Output& out);
  Outcome Listing(const Command& command, Output& out, bool uidl);
  Outcome Retrieve(const Command& command, Output& out, bool top);

  Maildir& maildir_;
  bool quit_ = false;
  uint64_t retrieved_ = 0;
  uint64_t retrieved_bytes_ = 0;
};

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_TRANSACTION_SESSION_H_
