#include "remote/resolver.h"

namespace ms::remote {

Resolver::Resolver(int timeout_ms) : timeout_ms_(timeout_ms) {}

template <typename Take>
DnsStatus Resolver::Follow(std::string_view name, dns::Type type, std::string* error, Take take) {
  std::string current = dns::WireFromDotted(name);
  if (current.empty()) {
    *error = "bad domain name";
    return DnsStatus::kNxDomain;
  }
  dns::ChasedAnswer chased = dns::LookupChasingCnames(current, type, timeout_ms_, Deadline::Never());
  if (chased.status == dns::Status::kTemporary) {
    *error = chased.error;
    return DnsStatus::kTemporary;
  }
  if (chased.no_such_name) {
    *error = "no such domain";
    return DnsStatus::kNxDomain;
  }
  take(chased.records);
  return DnsStatus::kOk;
}

MxAnswer Resolver::Mx(std::string_view name) {
  MxAnswer answer;
  answer.status = Follow(name, dns::Type::kMx, &answer.error, [&](const std::vector<dns::Record>& records) {
    for (const dns::Record& r : records) {
      answer.records.push_back(MxRecord{r.preference, dns::DottedFromWire(r.name)});
    }
  });
  return answer;
}

AddressAnswer Resolver::Addresses(std::string_view name) {
  AddressAnswer answer;
  std::string error4, error6;
  DnsStatus s4 = Follow(name, dns::Type::kA, &error4, [&](const std::vector<dns::Record>& records) {
    for (const dns::Record& r : records) {
      if (r.data.size() == 4) answer.addresses.push_back(IpAddress::V4(r.data.data()));
    }
  });
  DnsStatus s6 = DnsStatus::kNxDomain;
  if (s4 != DnsStatus::kNxDomain) {
    s6 = Follow(name, dns::Type::kAaaa, &error6, [&](const std::vector<dns::Record>& records) {
      for (const dns::Record& r : records) {
        if (r.data.size() == 16) answer.addresses.push_back(IpAddress::V6(r.data.data()));
      }
    });
  }
  if (!answer.addresses.empty()) {
    answer.status = DnsStatus::kOk;
  } else if (s4 == DnsStatus::kTemporary || s6 == DnsStatus::kTemporary) {
    answer.status = DnsStatus::kTemporary;
    answer.error = s4 == DnsStatus::kTemporary ? error4 : error6;
  } else if (s4 == DnsStatus::kNxDomain) {
    answer.status = DnsStatus::kNxDomain;
    answer.error = error4;
  } else {
    answer.status = DnsStatus::kOk;  // the name exists without addresses
  }
  return answer;
}

}  // namespace ms::remote
