// A DKIM public key record, the TXT record at
// SELECTOR._domainkey.DOMAIN (RFC 6376 3.6.1, RFC 8463 for k=ed25519):
//   v=DKIM1 (optional, first when present); k=rsa|ed25519 (default rsa);
//   h= hash algorithms (must allow sha256 when present); s= service types
//   (* or email); t= flags y (testing) and s (i= must be d= exactly);
//   p= base64 key, empty = revoked.  Unknown tags are ignored.
#ifndef MAILSUITE_LIB_DKIM_KEY_H_
#define MAILSUITE_LIB_DKIM_KEY_H_

#include <string>
#include <string_view>

#include "dkim_crypto.h"
#include "result.h"

namespace ms::dkim {

// The largest decoded p= accepted: an RSA 16384-bit key is about 2 KiB.
inline constexpr size_t kMaxPublicKeyBytes = 4096;

struct KeyRecord {
  Algorithm algorithm = Algorithm::kRsaSha256;
  std::string public_key;  // decoded p=
  bool revoked = false;    // p= empty
  bool testing = false;    // t=y
  bool strict = false;     // t=s
};

Result<KeyRecord> ParseKeyRecord(std::string_view txt);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_KEY_H_
