// libFuzzer target: the users database parser (lib/users.h).  Every
// entry formats back to a line that parses to the same entry, and Find
// returns an entry for each parsed address.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "users.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ms::UsersDb db = ms::ParseUsers(text);
  for (const auto& e : db.entries) {
    Check(e.uid != 0 && e.gid != 0);
    Check(!e.home.empty() && e.home.front() == '/');
    std::string line = ms::FormatUserLine(e);
    Check(line.back() == '\n');
    line.pop_back();
    auto again = ms::ParseUserLine(line);
    Check(again.ok());
    Check(again->address == e.address && again->uid == e.uid && again->gid == e.gid &&
          again->home == e.home && again->hash == e.hash && again->quota.set == e.quota.set &&
          again->quota.bytes == e.quota.bytes && again->quota.count == e.quota.count);
    Check(db.Find(e.address) != nullptr);
  }
  auto quota = ms::ParseQuota(text);
  if (quota.ok() && quota->set) {
    auto q2 = ms::ParseQuota(ms::FormatQuota(*quota));
    Check(q2.ok() && q2->bytes == quota->bytes && q2->count == quota->count);
  }
  return 0;
}
