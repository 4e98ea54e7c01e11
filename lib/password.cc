#include "password.h"

#include <crypt.h>
#include <string.h>  // explicit_bzero

#include <cerrno>
#include <cstring>
#include <memory>

namespace ms {

namespace {

// Constant-time comparison and wiping are written here rather than taken
// from OpenSSL (CRYPTO_memcmp, OPENSSL_cleanse): that would make every
// login load libcrypto.so for 20 lines of work (DESIGN: every dynamic
// library counts).
bool EqualInConstantTime(const char* a, const char* b, size_t n) {
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < n; ++i) diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// crypt_data is ~32 KiB: keep it off the stack, and wipe it afterwards
// (it holds intermediate state derived from the password).
struct CryptBuffer {
  CryptBuffer() : data(std::make_unique<crypt_data>()) { std::memset(data.get(), 0, sizeof *data); }
  ~CryptBuffer() { explicit_bzero(data.get(), sizeof *data); }
  std::unique_ptr<crypt_data> data;
};

// NUL-terminated copies; a password with a NUL, or longer than libcrypt
// accepts, cannot be passed to crypt.
bool ToCString(std::string_view in, std::string* out) {
  if (in.find('\0') != std::string_view::npos || in.size() >= CRYPT_MAX_PASSPHRASE_SIZE)
    return false;
  out->assign(in);
  return true;
}

}  // namespace

std::string_view DummyHash() {
  return "$y$j9T$bmLS0YZzmDol8B3cYhrMi1$i0jsIWlhJ/..ZWCn3L1Qcn.qbbn00b4.O7x7tSwIg.3";
}

Result<std::string> HashPassword(std::string_view password, HashScheme scheme) {
  std::string pw;
  if (!ToCString(password, &pw))
    return MakeError("password contains NUL or is longer than " +
                     std::to_string(CRYPT_MAX_PASSPHRASE_SIZE - 1) + " octets");
  const char* prefix = scheme == HashScheme::kYescrypt ? "$y$" : "$6$";
  // rbytes == nullptr: libcrypt takes the salt from the kernel's RNG.
  std::unique_ptr<char, decltype(&free)> setting(crypt_gensalt_ra(prefix, 0, nullptr, 0), &free);
  if (!setting) return MakeError(std::string("crypt_gensalt: ") + std::strerror(errno));
  CryptBuffer buffer;
  const char* hash = crypt_r(pw.c_str(), setting.get(), buffer.data.get());
  explicit_bzero(pw.data(), pw.size());
  if (hash == nullptr || hash[0] != '$') return MakeError("crypt failed");
  return std::string(hash);
}

PasswordCheck CheckPassword(std::string_view password, std::string_view hash) {
  bool usable = !hash.empty() && hash.front() == '$';
  std::string pw, setting;
  bool ok_input = ToCString(password, &pw) && ToCString(usable ? hash : DummyHash(), &setting);
  CryptBuffer buffer;
  const char* out = crypt_r(ok_input ? pw.c_str() : "", ok_input ? setting.c_str() : DummyHash().data(),
                            buffer.data.get());
  explicit_bzero(pw.data(), pw.size());
  if (out == nullptr || out[0] != '$') return usable ? PasswordCheck::kBadHash : PasswordCheck::kMismatch;
  if (!usable || !ok_input) return PasswordCheck::kMismatch;
  size_t n = std::strlen(out);
  if (n != hash.size()) return PasswordCheck::kMismatch;
  return EqualInConstantTime(out, hash.data(), n) ? PasswordCheck::kMatch : PasswordCheck::kMismatch;
}

}  // namespace ms
