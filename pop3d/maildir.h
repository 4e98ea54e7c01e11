// A Maildir as a POP3 maildrop.
//
// Scan: one readdir of new/ and one of cur/ (tmp/ is never looked at);
// names starting with '.' are skipped.  A message's size comes from the
// Maildir++ size fields in its name — ",W=" (the size with CRLF line
// ends, what RETR sends) else ",S=" (the size on disk) — and only when
// neither is there from fstatat.  Messages are numbered in delivery order:
// by the leading seconds of the name (the delivery time in every Maildir
// naming scheme), then by name.
//
// UIDL: the unique part of the name, i.e. everything before the ':' info
// suffix, so it does not change when the message moves from new/ to
// cur/NAME:2, nor when another client changes its flags.  A unique part
// that is not a valid RFC 1939 unique-id (1-70 octets in 0x21-0x7e) is
// replaced by the 32 hex digits of its 128-bit FNV-1a hash.
//
// Update (QUIT): deleted messages are unlinked; the others still in new/
// move to cur/NAME:2, (as qmail-pop3d does).
#ifndef MAILSUITE_POP3D_MAILDIR_H_
#define MAILSUITE_POP3D_MAILDIR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fd.h"
#include "result.h"

namespace ms::pop3d {

struct MaildirMessage {
  std::string path;     // "new/NAME" or "cur/NAME", relative to the Maildir
  std::string uid;      // the UIDL unique-id
  uint64_t size = 0;    // octets reported by STAT/LIST
  bool in_new = false;
  bool deleted = false;
  uint64_t order_time = 0;  // sort key: leading digits of the name
};

class Maildir {
 public:
  // Reads new/ and cur/ of the Maildir whose directory fd is dir_fd (not
  // owned).
  static Result<Maildir> Scan(int dir_fd);

  std::vector<MaildirMessage>& messages() { return messages_; }
  const std::vector<MaildirMessage>& messages() const { return messages_; }
  int dir_fd() const { return dir_fd_; }

  // Applies deletions and new/ -> cur/ moves.  Returns how many
  // operations failed (0: all done).
  size_t Commit() const;

 private:
  int dir_fd_ = -1;
  std::vector<MaildirMessage> messages_;
};

// Helpers, exposed for the tests.
// The size field "key=" (",S=" or ",W=") in a Maildir name, if present.
bool FindSizeField(std::string_view name, std::string_view key, uint64_t* size);
// The UIDL for a Maildir file name (see above).
std::string UidFor(std::string_view name);

}  // namespace ms::pop3d

#endif  // MAILSUITE_POP3D_MAILDIR_H_
