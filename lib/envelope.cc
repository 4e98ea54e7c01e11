#include "envelope.h"

namespace ms {

std::string EncodeEnvelope(const Envelope& envelope, bool with_dsn) {
  std::string out;
  out.reserve(envelope.sender.size() + 3 + envelope.recipients.size() * 32);
  out += 'F';
  out += envelope.sender;
  out += '\0';
  if (envelope.smtputf8) {
    out += 'U';
    out += '\0';
  }
  if (with_dsn && !envelope.dsn.empty()) {
    out += 'M';
    out += FormatMailDsn(envelope.dsn);
    out += '\0';
  }
  for (size_t i = 0; i < envelope.recipients.size(); ++i) {
    out += 'T';
    out += envelope.recipients[i];
    out += '\0';
    RcptDsn dsn = envelope.RecipientDsn(i);
    if (with_dsn && !dsn.empty()) {
      out += 'R';
      out += FormatRcptDsn(dsn);
      out += '\0';
    }
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
  char previous = 'F';  // the kind of the last record
  for (;;) {
    if (pos >= data.size()) return fail(EnvelopeError::kTruncated, "envelope ends early");
    if (have_sender) {
      char kind = data[pos];
      if (kind == '\0') {
        if (pos + 1 != data.size())
          return fail(EnvelopeError::kFormat, "data after the end of the envelope");
        break;
      }
      if (kind == 'U' && previous == 'F' && !envelope.smtputf8) {
        // The SMTPUTF8 mark: only right after F (before any M), once, with
        // an empty value.
        if (pos + 1 >= data.size()) return fail(EnvelopeError::kTruncated, "envelope ends early");
        if (data[pos + 1] != '\0') return fail(EnvelopeError::kFormat, "U record with a value");
        envelope.smtputf8 = true;
        previous = 'U';
        pos += 2;
        continue;
      }
      if (kind == 'M' || kind == 'R') {
        // A DSN record: M only right after the sender (and its U), R only right after
        // a recipient, each at most once there.
        bool placed = kind == 'M' ? (previous == 'F' || previous == 'U') : previous == 'T';
        if (!placed) return fail(EnvelopeError::kFormat, "DSN record out of place");
        size_t end = data.find('\0', pos + 1);
        if (end == std::string_view::npos) return fail(EnvelopeError::kTruncated, "envelope ends inside a DSN record");
        if (end - pos - 1 > max_address) return fail(EnvelopeError::kTooLong, "DSN record too long");
        std::string_view text = data.substr(pos + 1, end - pos - 1);
        if (kind == 'M') {
          std::optional<MailDsn> dsn = ParseMailDsnText(text);
          if (!dsn || dsn->empty()) return fail(EnvelopeError::kFormat, "bad DSN record M");
          envelope.dsn = std::move(*dsn);
        } else {
          std::optional<RcptDsn> dsn = ParseRcptDsnText(text);
          if (!dsn || dsn->empty()) return fail(EnvelopeError::kFormat, "bad DSN record R");
          envelope.recipient_dsn.resize(envelope.recipients.size());
          envelope.recipient_dsn.back() = std::move(*dsn);
        }
        previous = kind;
        pos = end + 1;
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
      previous = 'T';
    }
    pos = nul + 1;
  }
  if (envelope.recipients.empty()) return fail(EnvelopeError::kFormat, "envelope has no recipient");
  if (!envelope.recipient_dsn.empty()) envelope.recipient_dsn.resize(envelope.recipients.size());
  return envelope;
}

}  // namespace ms
