// Password hashes through libcrypt (libxcrypt): yescrypt by default,
// SHA-512 crypt ("$6$") accepted.  Shared by mailsuite-users (hashing)
// and mailsuite-checkpassword (verifying).
#ifndef MAILSUITE_LIB_PASSWORD_H_
#define MAILSUITE_LIB_PASSWORD_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "result.h"

namespace ms {

enum class HashScheme { kYescrypt, kSha512 };

// The longest password libcrypt hashes (CRYPT_MAX_PASSPHRASE_SIZE - 1).
inline constexpr size_t kMaxPassword = 511;

// A new hash of password with a fresh random salt.
Result<std::string> HashPassword(std::string_view password, HashScheme scheme);

enum class PasswordCheck { kMatch, kMismatch, kBadHash };

// Hashes password with hash's salt and compares in constant time.  A hash
// libcrypt cannot use (or one that disables login: "", "!...", "*...")
// never matches; kBadHash tells the caller the stored hash is broken.
// Always does the work of one hash, so timing does not reveal which.
PasswordCheck CheckPassword(std::string_view password, std::string_view hash);

// A valid yescrypt hash of a password nobody knows: checking against it
// costs what a real check costs (for unknown users).
std::string_view DummyHash();

}  // namespace ms

#endif  // MAILSUITE_LIB_PASSWORD_H_
