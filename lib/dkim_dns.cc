#include "dkim_dns.h"

namespace ms::dkim {

TxtAnswer LookupTxt(const std::string& dotted_name, int64_t timeout_ms) {
  TxtAnswer answer;
  std::string wire = dns::WireFromDotted(dotted_name);
  if (wire.empty()) return answer;  // not a name that can exist: not found
  // A selector is often a CNAME to the key at a mail provider; timeout_ms
  // bounds the whole chase, as it bounded the one question before.
  dns::ChasedAnswer chased =
      dns::LookupChasingCnames(wire, dns::Type::kTxt, timeout_ms, Deadline::AfterMs(timeout_ms));
  if (chased.status == dns::Status::kTemporary) {
    answer.status = dns::Status::kTemporary;
    answer.error = chased.error;
    return answer;
  }
  const std::vector<dns::Record>& records = chased.records;
  for (const dns::Record& r : records) {
    std::string text;
    for (const std::string& s : r.strings) text += s;
    answer.records.push_back(std::move(text));
  }
  if (!answer.records.empty()) answer.status = dns::Status::kFound;
  return answer;
}

}  // namespace ms::dkim
