#include "dkim_crypto.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <vector>

namespace ms::dkim {

namespace {

std::string OpensslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return what;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return what + ": " + buf;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

const char* AlgorithmName(Algorithm a) {
  return a == Algorithm::kRsaSha256 ? "rsa-sha256" : "ed25519-sha256";
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Written out rather than EVP_DecodeBlock, which accepts white space and
// reports padding as zero bytes.
Result<std::string> Base64Decode(std::string_view text, size_t max_decoded) {
  if (text.size() % 4 != 0) return MakeError("base64 length is not a multiple of 4");
  if (text.size() / 4 * 3 > max_decoded + 2) return MakeError("base64 value too long");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=') {
        // Padding only in the last quantum's last one or two places.
        if (i + 4 != text.size() || k < 2) return MakeError("misplaced base64 padding");
        v[k] = 0;
        ++pad;
      } else {
        if (pad) return MakeError("misplaced base64 padding");
        v[k] = Base64Value(c);
        if (v[k] < 0) return MakeError("bad base64 character");
      }
    }
    uint32_t triple = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    out += static_cast<char>(triple >> 16);
    if (pad < 2) out += static_cast<char>((triple >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(triple & 0xff);
  }
  if (out.size() > max_decoded) return MakeError("base64 value too long");
  return out;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
void Sha256::Update(std::string_view data) { EVP_DigestUpdate(ctx_.get(), data.data(), data.size()); }
std::string Sha256::Final() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}
std::string Sha256Of(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.Final();
}

Result<Pkey> PrivateKeyFromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return MakeError("out of memory");
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return MakeError(OpensslError("not a PEM private key"));
  auto a = AlgorithmOf(key.get());
  if (!a.ok()) return a.error();
  return key;
}

Result<Algorithm> AlgorithmOf(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) return Algorithm::kRsaSha256;
  if (EVP_PKEY_is_a(key, "ED25519")) return Algorithm::kEd25519Sha256;
  return MakeError("the key is neither RSA nor Ed25519");
}

int RsaBits(EVP_PKEY* key) { return EVP_PKEY_is_a(key, "RSA") ? EVP_PKEY_get_bits(key) : 0; }

Result<Pkey> GenerateKey(Algorithm a, int rsa_bits) {
  EVP_PKEY* key = a == Algorithm::kRsaSha256
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!key) return MakeError(OpensslError("key generation failed"));
  return Pkey(key);
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> PublicKeyBytes(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519")) {
    unsigned char raw[32];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1) return MakeError(OpensslError("no Ed25519 public key"));
    return std::string(reinterpret_cast<char*>(raw), len);
  }
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  if (n <= 0) return MakeError(OpensslError("cannot encode the public key"));
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

Result<Pkey> PublicKeyFromBytes(Algorithm a, std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (a == Algorithm::kEd25519Sha256) {
    if (bytes.size() != 32) return MakeError("an Ed25519 key is 32 bytes");
    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, p, bytes.size()));
    if (!key) return MakeError(OpensslError("bad Ed25519 key"));
    return key;
  }
  const unsigned char* q = p;
  Pkey key(d2i_PUBKEY(nullptr, &q, static_cast<long>(bytes.size())));
  if (!key || q != p + bytes.size()) {
    ERR_clear_error();
    q = p;
    key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &q, static_cast<long>(bytes.size())));
    if (!key || q != p + bytes.size()) return MakeError(OpensslError("p= is not an RSA public key"));
  }
  if (!EVP_PKEY_is_a(key.get(), "RSA")) return MakeError("p= is not an RSA key");
  return key;
}

Result<std::string> SignData(EVP_PKEY* key, Algorithm a, std::string_view data) {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string input = a == Algorithm::kEd25519Sha256 ? Sha256Of(data) : std::string(data);
  const EVP_MD* md = a == Algorithm::kRsaSha256 ? EVP_sha256() : nullptr;
  if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) != 1) return MakeError(OpensslError("sign init"));
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) return MakeError(OpensslError("sign"));
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1) {
    return MakeError(OpensslError("sign"));
  }
  sig.resize(len);
  return sig;
}

bool VerifyData(EVP_PKEY* key, Algorithm a, std::string_view data, std::string_view signature) {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string input = a == Algorithm::kEd25519Sha256 ? Sha256Of(data) : std::string(data);
  const EVP_MD* md = a == Algorithm::kRsaSha256 ? EVP_sha256() : nullptr;
  bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace ms::dkim
