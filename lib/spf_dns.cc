#include "spf_dns.h"

#include <algorithm>

#include "address.h"

namespace ms::spf {

DnsResolver::DnsResolver(int64_t query_timeout_ms, Deadline deadline)
    : query_timeout_ms_(query_timeout_ms), deadline_(deadline) {}

Answer DnsResolver::Query(std::string_view name, dns::Type type) {
  auto key = std::make_pair(LowerCase(name), static_cast<int>(type));
  auto cached = cache_.find(key);
  if (cached != cache_.end()) return cached->second;
  Answer answer;
  std::string wire = dns::WireFromDotted(name);
  if (wire.empty()) {
    answer.status = dns::Status::kNotFound;
    return answer;
  }
  dns::Lookups lookups(query_timeout_ms_);
  const dns::Reply& reply = lookups.Wait(lookups.StartWire(wire, type), deadline_);
  if (!reply.answered) return answer;  // kTemporary, not cached
  std::vector<dns::Record> records;
  std::string final_name;
  if (!dns::ReadRecords(reply.packet, wire, type, &records, &final_name)) return answer;
  if (type == dns::Type::kMx)
    std::stable_sort(records.begin(), records.end(),
                     [](const dns::Record& a, const dns::Record& b) { return a.preference < b.preference; });
  for (const dns::Record& r : records) {
    switch (type) {
      case dns::Type::kTxt: {
        std::string text;
        for (const std::string& s : r.strings) text += s;
        answer.texts.push_back(std::move(text));
        break;
      }
      case dns::Type::kA:
        if (r.data.size() == 4) answer.addresses.push_back(IpAddress::V4(r.data.data()));
        break;
      case dns::Type::kAaaa:
        if (r.data.size() == 16) answer.addresses.push_back(IpAddress::V6(r.data.data()));
        break;
      case dns::Type::kMx:
      case dns::Type::kPtr: answer.names.push_back(dns::DottedFromWire(r.name)); break;
      default: break;
    }
  }
  answer.status = records.empty() || reply.no_such_name ? dns::Status::kNotFound : dns::Status::kFound;
  cache_[key] = answer;
  return answer;
}

}  // namespace ms::spf
