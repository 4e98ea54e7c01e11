// libFuzzer target: the frame mailsuite-userdb-sync's root installer reads
// from its unprivileged reader (userdb/snapshot.h), and the row rules.
// Invariants: a decoded frame re-encodes to the bytes it came from, and
// any snapshot built from rows passes the installer's own check.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "userdb/snapshot.h"

namespace {
void Check(bool condition) {
  if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string buffer = input;
  for (int i = 0; i < 4; ++i) {
    size_t before = buffer.size();
    auto frame = ms::userdb::DecodeFrame(&buffer);
    if (!frame || !*frame) break;
    Check(ms::userdb::EncodeFrame(**frame) == input.substr(input.size() - before, before - buffer.size()));
    (void)ms::userdb::CheckSnapshot(**frame);
  }
  // The input split on '|' as the fields of one user row and a domain row.
  std::vector<std::string> f;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i)
    if (i == input.size() || input[i] == '|') {
      f.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  f.resize(9);
  ms::userdb::UserRow row{f[0], f[1], f[2], f[3], f[4], f[5].empty() ? std::nullopt : std::optional(f[5]),
                          f[6].empty() ? std::nullopt : std::optional(f[6])};
  auto built = ms::userdb::BuildSnapshot({row}, {{f[7], f[8]}}, false);
  if (built) Check(ms::userdb::CheckSnapshot(built->snapshot).ok());
  return 0;
}
