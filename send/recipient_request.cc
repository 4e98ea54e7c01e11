#include "send/recipient_request.h"

#include <vector>

#include "text.h"

namespace ms::send {

namespace {

constexpr size_t kFields = 5;
// Addresses are a few hundred octets at most (RFC 5321; smtpd and
// mailsuite-queue limit them): anything longer is not from our scheduler.
constexpr size_t kMaxField = 4096;

}  // namespace

std::string EncodeRecipientRequest(const RecipientRequest& r) {
  std::string out = std::to_string(r.job);
  for (const std::string* f : {&r.local, &r.original_local, &r.domain, &r.sender}) {
    out += '\0';
    out += *f;
  }
  out += '\0';
  return out;
}

std::optional<std::vector<std::string_view>> SplitNulTerminated(std::string_view data) {
  if (data.empty() || data.back() != '\0') return std::nullopt;
  std::vector<std::string_view> fields;
  while (!data.empty()) {
    size_t nul = data.find('\0');
    fields.push_back(data.substr(0, nul));
    data.remove_prefix(nul + 1);
  }
  return fields;
}

std::optional<RecipientRequest> DecodeRecipientRequest(std::string_view data) {
  auto split = SplitNulTerminated(data);
  if (!split) return std::nullopt;
  const std::vector<std::string_view>& fields = *split;
  if (fields.size() != kFields) return std::nullopt;
  for (std::string_view f : fields)
    if (f.size() > kMaxField) return std::nullopt;
  RecipientRequest r;
  std::string_view job = fields[0];
  auto job_number = ParseDecimal(job, UINT64_MAX);
  if (!job_number) return std::nullopt;
  r.job = *job_number;
  r.local = std::string(fields[1]);
  r.original_local = std::string(fields[2]);
  r.domain = std::string(fields[3]);
  r.sender = std::string(fields[4]);
  return r;
}

}  // namespace ms::send
