// Editing the users database (lib/users.h, control/USERS.md) for
// mailsuite-users.  The edits are pure functions on the file's text, so
// every line they do not touch (comments, other users, even malformed
// lines) is kept byte for byte; EditUsersFile applies one under an flock
// on USERS.lock and replaces the file atomically (temp file, fsync,
// rename, directory fsync), keeping its mode and owner.
#ifndef MAILSUITE_CONTROL_USERS_EDIT_H_
#define MAILSUITE_CONTROL_USERS_EDIT_H_

#include <functional>
#include <string>
#include <string_view>

#include "result.h"
#include "users.h"

namespace ms::control {

// Error codes are mailsuite-users exit codes.
inline constexpr int kExitNotFound = 1;   // no such user / already exists
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTemporary = 111;

Result<std::string> AddUserToText(std::string_view text, const UserEntry& entry);
Result<std::string> DeleteUserFromText(std::string_view text, std::string_view address);
Result<std::string> SetUserHashInText(std::string_view text, std::string_view address,
                                      std::string_view hash);

using UsersEdit = std::function<Result<std::string>(std::string_view text)>;
// Locks, reads (a missing file is empty), edits, rewrites.
Status EditUsersFile(const std::string& path, const UsersEdit& edit);

// Writes path atomically (lib/fd.h WriteFileAtomic) with the mode and, as
// root, the owner of the file it replaces; new_mode for a new file.  Also
// mailsuite-userdb-sync's writer (userdb/SYNC.md).
Status ReplaceFileKeepingOwner(const std::string& path, std::string_view data, int new_mode);

// The password on fd: up to the first newline (a trailing CR dropped) or
// end of file; at most kMaxPassword (511) octets, no NUL, not empty.
Result<std::string> ReadPasswordLine(int fd);

}  // namespace ms::control

#endif  // MAILSUITE_CONTROL_USERS_EDIT_H_
