#include "utf8_address.h"

#include <idn2.h>
#include <unistr.h>
#include <uninorm.h>

#include <cstdlib>
#include <memory>

#include "address.h"

namespace ms {

namespace {

// Frees what libidn2/libunistring allocated with malloc.
struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

bool IsAscii(std::string_view text) {
  for (unsigned char c : text)
    if (c > 127) return false;
  return true;
}

bool IsCleanUtf8(std::string_view text) {
  if (text.empty()) return true;
  if (u8_check(Bytes(text), text.size()) != nullptr) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 32 || c == 127) return false;
    // U+0080-U+009F are encoded C2 80 .. C2 9F.
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0)
      return false;
  }
  return true;
}

std::optional<std::string> Utf8Nfc(std::string_view text) {
  if (!IsCleanUtf8(text)) return std::nullopt;
  if (IsAscii(text)) return std::string(text);
  size_t length = 0;
  std::unique_ptr<uint8_t, FreeDeleter> out(
      u8_normalize(UNINORM_NFC, Bytes(text), text.size(), nullptr, &length));
  if (!out) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out.get()), length);
}

std::optional<std::string> DomainToAscii(std::string_view domain) {
  if (!domain.empty() && domain.front() == '[') return std::string(domain);
  if (IsAscii(domain)) return LowerCase(domain);
  std::string_view name = domain;
  bool suffix = !name.empty() && name.front() == '.';
  if (suffix) name.remove_prefix(1);
  bool trailing_dot = !name.empty() && name.back() == '.';
  if (trailing_dot) name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxDomain * 4 || !IsCleanUtf8(name)) return std::nullopt;
  std::string input(name);
  char* raw = nullptr;
  // Non-transitional UTS #46 processing (IDNA2008 as browsers and the
  // registries use it): "ß" stays "ß"; NFC is part of the mapping.
  int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  std::unique_ptr<char, FreeDeleter> owned(raw);
  if (rc != IDN2_OK || raw == nullptr) return std::nullopt;
  std::string out = suffix ? "." : "";
  out += LowerCase(raw);
  if (trailing_dot) out += '.';
  return out;
}

std::string ComparableDomain(std::string_view domain) {
  auto ascii = DomainToAscii(domain);
  return ascii ? *ascii : LowerCase(domain);
}

std::string ComparableAddress(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return ComparableDomain(address);
  auto local = Utf8Nfc(address.substr(0, at));
  std::string out = local ? *local : std::string(address.substr(0, at));
  out += '@';
  out += ComparableDomain(address.substr(at + 1));
  return out;
}

bool LocalPartNeedsUtf8(std::string_view address) {
  size_t at = address.rfind('@');
  return !IsAscii(address.substr(0, at == std::string_view::npos ? address.size() : at));
}

std::string AddressWithAsciiDomain(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || IsAscii(address.substr(at + 1))) return std::string(address);
  auto domain = DomainToAscii(address.substr(at + 1));
  if (!domain) return std::string(address);
  return std::string(address.substr(0, at + 1)) + *domain;
}

}  // namespace ms
