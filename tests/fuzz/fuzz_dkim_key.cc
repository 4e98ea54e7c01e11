// libFuzzer target: the DKIM key record (the TXT record at
// selector._domainkey.domain, lib/dkim_key.h) and the public key it holds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dkim_crypto.h"
#include "dkim_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto key = ms::dkim::ParseKeyRecord(in);
  if (!key.ok()) return 0;
  if (key->public_key.size() > ms::dkim::kMaxPublicKeyBytes) __builtin_trap();
  if (key->revoked != key->public_key.empty()) __builtin_trap();
  auto pkey = ms::dkim::PublicKeyFromBytes(key->algorithm, key->public_key);
  if (pkey.ok()) (void)ms::dkim::VerifyData(pkey->get(), key->algorithm, "data", "signature");
  return 0;
}
