// Who mailsuite-send runs as (send/README.md "Who runs as whom").
#ifndef MAILSUITE_SEND_PRIVILEGE_H_
#define MAILSUITE_SEND_PRIVILEGE_H_

#include <sys/types.h>

#include <string>

#include "result.h"

namespace ms::send {

struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<Account> LookupAccount(const std::string& name);
// setgroups to gid only, setgid, setuid; verified.
Status BecomeAccount(const Account& account);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_PRIVILEGE_H_
