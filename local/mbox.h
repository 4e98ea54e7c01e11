// Delivery into an mbox file:
//   - opened O_APPEND|O_NOFOLLOW (a symlink is refused), created 0600 if
//     missing; must be a regular file with one link, owned by the user;
//   - locked by a dot-lock (<path>.lock, O_EXCL; one older than 5 minutes
//     is stale and removed; skipped when the directory is not writable to
//     us) and then an fcntl write lock — what mutt, procmail and
//     qmail-local's readers expect; waits at most kLockWait seconds;
//   - writes "From <sender> <asctime>", Return-Path, Delivered-To, the
//     message with mboxrd ">From " quoting, a blank line; fsyncs;
//   - on any write error truncates back to the old size, so a partial
//     message never corrupts the mbox.
#ifndef MAILSUITE_LOCAL_MBOX_H_
#define MAILSUITE_LOCAL_MBOX_H_

#include <string>
#include <string_view>

#include "local/message.h"
#include "result.h"

namespace ms::local {

inline constexpr int kLockWait = 60;  // seconds

// from_line: "From sender date\n"; prefix: Return-Path + Delivered-To.
Status DeliverMbox(const std::string& path, std::string_view from_line, std::string_view prefix,
                   const Message& message);

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_MBOX_H_
