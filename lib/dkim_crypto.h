// The OpenSSL 3 side of DKIM: base64, SHA-256, the two signing
// algorithms, and keys.
//   rsa-sha256      RSASSA-PKCS1-v1_5 over SHA-256 of the data (RFC 6376 3.3.1)
//   ed25519-sha256  PureEdDSA (Ed25519) over the SHA-256 digest of the data
//                   (RFC 8463 section 3: the 32-byte hash is what is signed)
#ifndef MAILSUITE_LIB_DKIM_CRYPTO_H_
#define MAILSUITE_LIB_DKIM_CRYPTO_H_

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "result.h"

namespace ms::dkim {

enum class Algorithm { kRsaSha256, kEd25519Sha256 };
const char* AlgorithmName(Algorithm a);  // "rsa-sha256", "ed25519-sha256"

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Standard base64 (RFC 2045 alphabet, "=" padding).  Decode rejects any
// other byte (callers remove FWS first) and bad padding; max_decoded
// bounds the work a hostile value can cause.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text, size_t max_decoded);

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::string Final();  // 32 bytes; the object is spent afterwards

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};
std::string Sha256Of(std::string_view data);

// A private key from PEM text (PKCS#8 or traditional), RSA or Ed25519.
Result<Pkey> PrivateKeyFromPem(std::string_view pem);
// Which algorithm a key signs with; error for other key types.
Result<Algorithm> AlgorithmOf(EVP_PKEY* key);
// RSA key size in bits (0 for other keys).
int RsaBits(EVP_PKEY* key);
// New keys for mailsuite-dkim keygen.
Result<Pkey> GenerateKey(Algorithm a, int rsa_bits);
std::string PrivateKeyPem(EVP_PKEY* key);  // PKCS#8 PEM
// The p= value's bytes: SubjectPublicKeyInfo DER for RSA (what
// opendkim-genkey publishes), the raw 32 bytes for Ed25519 (RFC 8463 4.2).
Result<std::string> PublicKeyBytes(EVP_PKEY* key);
// The reverse, from a key record's decoded p=.  RSA also accepts a bare
// PKCS#1 RSAPublicKey, which some publishers use.
Result<Pkey> PublicKeyFromBytes(Algorithm a, std::string_view bytes);

// Signs / verifies data (the canonicalised header fields) as a says.
Result<std::string> SignData(EVP_PKEY* key, Algorithm a, std::string_view data);
bool VerifyData(EVP_PKEY* key, Algorithm a, std::string_view data, std::string_view signature);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_CRYPTO_H_
