// libFuzzer target: the UTF-8 address validator and normalisers
// (lib/utf8_address.h) and the SMTPUTF8 path of lib/address.h.
// Besides "no crash", checks invariants: what is accepted is well-formed
// UTF-8 without control characters, NFC and the A-label form are
// idempotent and ASCII where they must be, a parsed UTF-8 mailbox
// written with ToString parses back to itself, and without SMTPUTF8 any
// non-ASCII input is refused (by the ASCII syntax rules).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "address.h"
#include "users.h"
#include "utf8_address.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool clean = ms::IsCleanUtf8(text);
  auto nfc = ms::Utf8Nfc(text);
  Check(nfc.has_value() == clean);
  if (nfc) {
    Check(ms::IsCleanUtf8(*nfc));
    Check(ms::Utf8Nfc(*nfc) == *nfc);
    if (ms::IsAscii(text)) Check(*nfc == text);
  }
  if (auto ascii = ms::DomainToAscii(text)) {
    if (text.empty() || text.front() != '[') {
      Check(ms::IsAscii(*ascii));
      Check(ms::DomainToAscii(*ascii) == *ascii);
    }
  }
  std::string comparable = ms::ComparableDomain(text);
  Check(ms::ComparableDomain(comparable) == comparable);
  ms::ComparableAddress(text);
  std::string with_ascii = ms::AddressWithAsciiDomain(text);
  if (!ms::LocalPartNeedsUtf8(text) && text.find('@') != std::string_view::npos &&
      with_ascii != text)
    Check(ms::IsAscii(with_ascii));

  ms::AddressError error;
  auto mailbox = ms::ParseMailbox(text, false, &error, true);
  Check(mailbox.ok() == (error == ms::AddressError::kNone));
  if (mailbox) {
    Check(clean);
    Check(mailbox->local.size() <= ms::kMaxLocalPart);
    Check(ms::IsCleanUtf8(mailbox->local) && ms::IsCleanUtf8(mailbox->domain));
    if (!mailbox->IsLiteral()) {
      auto ascii = ms::DomainToAscii(mailbox->domain);
      Check(ascii.has_value() && ms::IsValidDomain(*ascii));
    }
    auto again = ms::ParseMailbox(mailbox->ToString(), false, &error, true);
    Check(again.ok());
    Check(again->local == mailbox->local);
    Check(again->domain == mailbox->domain);
    auto key = ms::NormalizeUserAddress(text);
    if (key && !mailbox->quoted) {
      auto again_key = ms::NormalizeUserAddress(*key);
      Check(again_key.ok() && *again_key == *key);
    }
  }
  if (!ms::IsAscii(text)) {
    auto refused = ms::ParseMailbox(text, false, &error, false);
    Check(!refused.ok() && error != ms::AddressError::kBadUtf8);
  }
  ms::PathOptions options;
  options.allow_utf8 = true;
  options.allow_null = true;
  auto path = ms::ParsePath(text, options, &error);
  Check(path.ok() == (error == ms::AddressError::kNone));
  if (path && !path->null) Check(ms::IsCleanUtf8(path->mailbox.local));
  // HostInList in A-label form: either spelling of a domain matches the other.
  if (auto ascii = ms::DomainToAscii(text); ascii && !ascii->empty() && ascii->front() != '.' &&
                                            ascii->front() != '[' && ms::IsValidDomain(*ascii)) {
    Check(ms::HostInList(text, {*ascii}));
    Check(ms::HostInList(*ascii, {std::string(text)}));
  }
  return 0;
}
