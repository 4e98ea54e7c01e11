#include "remote/dsn_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include "envelope.h"
#include "queue_layout.h"

namespace ms::remote {

namespace {

bool PreadExactly(int fd, std::string* out, uint64_t offset) {
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = ::pread(fd, out->data() + done, out->size() - done, static_cast<off_t>(offset + done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

DeliveryDsn ReadDeliveryDsn(int fd, const std::vector<std::string>& recipients) {
  DeliveryDsn out;
  out.rcpt.resize(recipients.size());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return out;
  std::string head(kQueueHeaderSize, '\0');
  if (!PreadExactly(fd, &head, 0)) return out;
  auto header = ParseQueueHeader(head, static_cast<uint64_t>(st.st_size));
  // The envelope of a real queue file is small; a huge one is not ours to read.
  if (!header.ok() || header->envelope_length > (1u << 24)) return out;
  std::string raw(header->envelope_length, '\0');
  if (!PreadExactly(fd, &raw, header->envelope_offset)) return out;
  EnvelopeError error;
  auto envelope = DecodeEnvelope(raw, &error);
  if (!envelope) return out;
  out.mail = FormatMailDsn(envelope->dsn);
  std::vector<bool> taken(envelope->recipients.size(), false);
  for (size_t i = 0; i < recipients.size(); ++i) {
    for (size_t j = 0; j < envelope->recipients.size(); ++j) {
      if (taken[j] || envelope->recipients[j] != recipients[i]) continue;
      taken[j] = true;
      out.rcpt[i] = FormatRcptDsn(envelope->RecipientDsn(j));
      break;
    }
  }
  return out;
}

}  // namespace ms::remote
