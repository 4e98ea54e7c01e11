// libFuzzer target: RFC 5321 paths and mailboxes (lib/address.h).
// Besides "no crash", checks invariants: limits hold, domains come out
// lower case, and a parsed mailbox written with ToString parses back to
// the same mailbox.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "address.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckMailbox(const ms::Mailbox& m) {
  Check(m.local.size() <= ms::kMaxLocalPart);
  Check(m.domain.size() <= ms::kMaxDomain + 8);  // "[IPv6:" prefix may grow a literal
  if (!m.IsLiteral()) Check(m.domain == ms::LowerCase(m.domain));
  ms::AddressError error;
  auto again = ms::ParseMailbox(m.ToString(), m.domain.empty(), &error);
  Check(again.ok());
  Check(again->local == m.local);
  Check(again->domain == m.domain);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ms::AddressError error;
  for (int flags = 0; flags < 4; ++flags) {
    ms::PathOptions options;
    options.allow_null = (flags & 1) != 0;
    options.allow_no_domain = (flags & 2) != 0;
    auto path = ms::ParsePath(text, options, &error);
    Check(path.ok() == (error == ms::AddressError::kNone));
    if (path.ok()) {
      Check(text.size() <= ms::kMaxPath);
      if (path->null) Check(options.allow_null);
      else CheckMailbox(path->mailbox);
    }
  }
  auto mailbox = ms::ParseMailbox(text, false, &error);
  if (mailbox.ok()) CheckMailbox(*mailbox);
  if (ms::IsValidDomain(text)) Check(text.size() <= ms::kMaxDomain);
  ms::LocalPartNeedsQuoting(text);
  size_t cut = text.find('\n');
  if (cut != std::string_view::npos) {
    std::string host(text.substr(0, cut));
    std::string domain(text.substr(cut + 1));
    if (ms::HostInList(domain, {host})) Check(!host.empty());
  }
  return 0;
}
