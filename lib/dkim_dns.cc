#include "dkim_dns.h"

namespace ms::dkim {

TxtAnswer LookupTxt(const std::string& dotted_name, int64_t timeout_ms) {
  TxtAnswer answer;
  std::string wire = dns::WireFromDotted(dotted_name);
  if (wire.empty()) return answer;  // not a name that can exist: not found
  dns::Reply reply = dns::LookupWire(wire, dns::Type::kTxt, timeout_ms);
  if (!reply.answered) {
    answer.status = dns::Status::kTemporary;
    answer.error = reply.error;
    return answer;
  }
  if (reply.no_such_name) return answer;
  std::vector<dns::Record> records;
  std::string final_name;
  if (!dns::ReadRecords(reply.packet, wire, dns::Type::kTxt, &records, &final_name)) {
    answer.status = dns::Status::kTemporary;
    answer.error = "unreadable DNS answer";
    return answer;
  }
  for (const dns::Record& r : records) {
    std::string text;
    for (const std::string& s : r.strings) text += s;
    answer.records.push_back(std::move(text));
  }
  if (!answer.records.empty()) answer.status = dns::Status::kFound;
  return answer;
}

}  // namespace ms::dkim
