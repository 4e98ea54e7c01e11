// libFuzzer target: DKIM canonicalisation (lib/dkim_canon.h) and the
// header reader (lib/dkim_headers.h).  Properties: the canonical body
// does not depend on how the input is cut into chunks; relaxed output
// has no WSP before a line end and no empty lines at its end; simple
// output always ends in one CRLF.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dkim_canon.h"
#include "dkim_headers.h"

namespace {

std::string Canon(ms::dkim::Canon c, std::string_view body, size_t chunk) {
  std::string out;
  ms::dkim::BodyCanonicalizer canon(c, [&](std::string_view b) { out += b; });
  for (size_t i = 0; i < body.size(); i += chunk) canon.Update(body.substr(i, chunk));
  canon.Finish();
  if (canon.total() != out.size()) __builtin_trap();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = 1 + data[0] % 16;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (ms::dkim::Canon c : {ms::dkim::Canon::kSimple, ms::dkim::Canon::kRelaxed}) {
    std::string whole = Canon(c, in, in.size() + 1);
    if (Canon(c, in, chunk) != whole) __builtin_trap();
    if (c == ms::dkim::Canon::kSimple) {
      if (whole.size() < 2 || whole.compare(whole.size() - 2, 2, "\r\n") != 0) __builtin_trap();
      if (whole.size() >= 4 && whole.compare(whole.size() - 4, 4, "\r\n\r\n") == 0) __builtin_trap();
    } else {
      if (whole.find(" \r\n") != std::string::npos || whole.find("\t") != std::string::npos) __builtin_trap();
      if (whole.size() >= 4 && whole.compare(whole.size() - 4, 4, "\r\n\r\n") == 0) __builtin_trap();
    }
    std::string header = ms::dkim::CanonHeader(c, in);
    if (header.size() < 2) __builtin_trap();
  }
  ms::dkim::HeaderReader reader(4096);
  std::string_view body;
  for (size_t i = 0; i < in.size(); i += chunk) {
    std::string_view rest = reader.Update(in.substr(i, chunk));
    if (!rest.empty() && body.empty()) body = rest;
  }
  reader.Finish();
  (void)ms::dkim::FromDomain(reader.fields());
  return 0;
}
