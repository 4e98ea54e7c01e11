#include "envelope.h"

namespace ms {

std::string EncodeEnvelope(const Envelope& envelope) {
  std::string out;
  out.reserve(envelope.sender.size() + 3 + envelope.recipients.size() * 32);
  out += 'F';
  out += envelope.sender;
  out += '\0';
  if (envelope.smtputf8) {
    out += 'U';
    out += '\0';
  }
  for (const auto& r : envelope.recipients) {
    out += 'T';
    out += r;
    out += '\0';
  }
  out += '\0';
  return out;
}

Result<Envelope> DecodeEnvelope(std::string_view data, EnvelopeError* error,
                                size_t max_address) {
  auto fail = [error](EnvelopeError kind, std::string message) {
    *error = kind;
    return MakeError(std::move(message));
  };
  *error = EnvelopeError::kNone;
  Envelope envelope;
  if (data.empty()) return fail(EnvelopeError::kTruncated, "empty envelope");
  if (data.front() != 'F') return fail(EnvelopeError::kFormat, "envelope does not start with F");
  size_t pos = 1;
  bool have_sender = false;
  for (;;) {
    if (pos >= data.size()) return fail(EnvelopeError::kTruncated, "envelope ends early");
    if (have_sender) {
      char kind = data[pos];
      if (kind == '\0') {
        if (pos + 1 != data.size())
          return fail(EnvelopeError::kFormat, "data after the end of the envelope");
        break;
      }
      if (kind == 'U' && envelope.recipients.empty() && !envelope.smtputf8) {
        // The SMTPUTF8 mark: only right after F, once, with an empty value.
        if (pos + 1 >= data.size()) return fail(EnvelopeError::kTruncated, "envelope ends early");
        if (data[pos + 1] != '\0') return fail(EnvelopeError::kFormat, "U record with a value");
        envelope.smtputf8 = true;
        pos += 2;
        continue;
      }
      if (kind != 'T') return fail(EnvelopeError::kFormat, "envelope entry is not T");
      ++pos;
    }
    size_t nul = data.find('\0', pos);
    if (nul == std::string_view::npos) {
      if (data.size() - pos > max_address)
        return fail(EnvelopeError::kTooLong, "envelope address too long");
      return fail(EnvelopeError::kTruncated, "envelope ends inside an address");
    }
    if (nul - pos > max_address) return fail(EnvelopeError::kTooLong, "envelope address too long");
    std::string address(data.substr(pos, nul - pos));
    if (!have_sender) {
      envelope.sender = std::move(address);
      have_sender = true;
    } else {
      if (address.empty()) return fail(EnvelopeError::kFormat, "empty recipient");
      envelope.recipients.push_back(std::move(address));
    }
    pos = nul + 1;
  }
  if (envelope.recipients.empty()) return fail(EnvelopeError::kFormat, "envelope has no recipient");
  return envelope;
}

}  // namespace ms
