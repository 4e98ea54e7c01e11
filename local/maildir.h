// Delivery into a Maildir (http://cr.yp.to/proto/maildir.html):
//   1. quota check (Maildir++ maildirsize), when a quota is in force;
//   2. tmp/<unique> created O_EXCL: Return-Path, Delivered-To, message
//      (copy_file_range from the queue file: no user-space copy);
//   3. fsync the file, rename into new/, fsync new/;
//   4. append "<size> 1" to maildirsize.
// Unique name: <sec>.M<usec>P<pid>[Q<n>].<host>,S=<size>  (Q<n>: the n-th
// file this process delivers, n > 1; S=: Maildir++ size, so quota rescans
// need no stat).  The Maildir directory must belong to the running user.
#ifndef MAILSUITE_LOCAL_MAILDIR_H_
#define MAILSUITE_LOCAL_MAILDIR_H_

#include <string>
#include <string_view>

#include "local/message.h"
#include "local/quota.h"
#include "result.h"

namespace ms::local {

// prefix: the header lines written before the message (Return-Path,
// Delivered-To).
Status DeliverMaildir(const std::string& path, std::string_view prefix, const Message& message,
                      const QuotaSpec& quota);

// "host" part of a Maildir name: '/' and ':' escaped as \057 and \072.
std::string MaildirHostName();

}  // namespace ms::local

#endif  // MAILSUITE_LOCAL_MAILDIR_H_
