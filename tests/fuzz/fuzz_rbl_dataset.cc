// libFuzzer: rbldnsd-format dataset text (first byte picks the type) and
// the CKSUM trailer; then lookups must not crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rblcheck/cksum.h"
#include "rblcheck/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  using namespace ms::rbl;
  static constexpr DatasetType kTypes[] = {DatasetType::kIp4Set, DatasetType::kIp4Trie,
                                           DatasetType::kIp4Tset, DatasetType::kDnSet};
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view body;
  auto trailer = VerifyCksumTrailer(text, &body);
  if (!trailer) body = text;
  Dataset set(kTypes[data[0] & 3]);
  if (!set.AddText(body)) return 0;
  set.Finish();
  for (uint32_t ip : {0u, 0x7f000002u, 0x0a010203u, 0xffffffffu, 0xc0a80105u}) set.LookupIp4(ip);
  for (const char* name : {"example.com", "a.b.c", "", ".", "x.spam.test"}) set.LookupDomain(name);
  return 0;
}
