// libFuzzer target: the qmail-queue envelope decoder (lib/envelope.h).
// A decoded envelope re-encodes to exactly the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view wire(reinterpret_cast<const char*>(data), size);
  ms::EnvelopeError error;
  auto envelope = ms::DecodeEnvelope(wire, &error, 64);
  if (envelope.ok() != (error == ms::EnvelopeError::kNone)) std::abort();
  if (envelope.ok()) {
    if (ms::EncodeEnvelope(*envelope) != wire) std::abort();
    if (envelope->recipients.empty()) std::abort();
    for (const auto& r : envelope->recipients)
      if (r.empty() || r.size() > 64) std::abort();
  }
  return 0;
}
