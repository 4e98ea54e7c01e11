#include "send/route.h"

#include <algorithm>

#include "address.h"
#include "utf8_address.h"

namespace ms::send {

namespace {

// Lists hold internationalised domains as A-labels (config.cc), so the
// value is compared in that form too.
bool ListHas(const std::vector<std::string>& list, std::string_view value) {
  std::string lower = ComparableDomain(value);
  return std::find(list.begin(), list.end(), lower) != list.end();
}

// qmail's constmap lookup over virtualdomains: a key matches the tail of
// the address exactly (case-insensitively).  Returns nullptr if none.
const VirtualDomain* FindVirtual(const std::vector<VirtualDomain>& vds, std::string_view key) {
  std::string lower = LowerCase(ComparableAddress(key));
  for (const auto& vd : vds)
    if (vd.key == lower) return &vd;
  return nullptr;
}

void SplitAt(Route* r) {
  size_t at = r->address.rfind('@');
  r->local = r->address.substr(0, at);
  r->domain = LowerCase(std::string_view(r->address).substr(at + 1));
}

}  // namespace

Route RouteRecipient(std::string_view recipient, const SendConfig& config) {
  std::string addr(recipient);
  size_t at = addr.rfind('@');
  if (at == std::string::npos) {
    at = addr.size();
    addr += '@';
    addr += config.envnoathost;
  }
  // percenthack: user%host@relay -> user@host, repeatedly, while the
  // domain is listed.
  while (ListHas(config.percenthack, std::string_view(addr).substr(at + 1))) {
    size_t pct = std::string_view(addr).substr(0, at).rfind('%');
    if (pct == std::string::npos) break;
    addr.resize(at);
    at = pct;
    addr[at] = '@';
  }
  Route r;
  r.original_local = addr.substr(0, at);
  std::string_view domain = std::string_view(addr).substr(at + 1);
  if (ListHas(config.locals, domain)) {
    r.channel = Channel::kLocal;
    r.address = addr;
    SplitAt(&r);
    return r;
  }
  // Most specific first: "user@domain", "domain", ".sub.domain" suffixes
  // from the longest, and finally the empty default — qmail's order.
  for (size_t i = 0; i <= addr.size(); ++i) {
    bool candidate = i == 0 || i == at + 1 || i == addr.size() || (i > at && addr[i] == '.');
    if (!candidate) continue;
    const VirtualDomain* vd = FindVirtual(config.virtualdomains, std::string_view(addr).substr(i));
    if (vd == nullptr) continue;
    if (vd->prepend.empty()) break;  // an exception: deliver remotely
    r.channel = Channel::kLocal;
    r.address = vd->prepend + "-" + addr;
    SplitAt(&r);
    return r;
  }
  r.channel = Channel::kRemote;
  r.address = addr;
  SplitAt(&r);
  return r;
}

}  // namespace ms::send
