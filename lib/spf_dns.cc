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
  // One SPF lookup however many CNAMEs it takes (RFC 7208 4.6.4 counts
  // terms, not queries), and one void lookup when the chain ends in
  // NXDOMAIN or no records.
  dns::ChasedAnswer chased = dns::LookupChasingCnames(wire, type, query_timeout_ms_, deadline_);
  if (chased.status == dns::Status::kTemporary) {  // not cached
    answer.error = chased.error;
    return answer;
  }
  std::vector<dns::Record>& records = chased.records;
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
  answer.status = records.empty() ? dns::Status::kNotFound : dns::Status::kFound;
  cache_[key] = answer;
  return answer;
}

}  // namespace ms::spf
