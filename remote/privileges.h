// mailsuite-remote talks to the network, so it never runs as root: started
// by root it becomes the user msremote (DESIGN, privilege model); started
// by anyone else it stays that user.
#ifndef MAILSUITE_REMOTE_PRIVILEGES_H_
#define MAILSUITE_REMOTE_PRIVILEGES_H_

#include "result.h"

namespace ms::remote {

inline constexpr const char* kRemoteUser = "msremote";

Status DropRootPrivileges();

}  // namespace ms::remote

#endif  // MAILSUITE_REMOTE_PRIVILEGES_H_
