// libFuzzer target: what DMARC reads from outside (lib/dmarc.h) — a
// _dmarc TXT record, a From: field, and a public suffix list — and the
// evaluation over them.  Checked: a parsed record's values are in range;
// a From: domain is lower case without blanks or brackets; an
// Organizational Domain is a suffix of the domain in A-labels (the list's
// U-label rules converted by libidn2, lib/public_suffix.h).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dmarc.h"
#include "public_suffix.h"
#include "utf8_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Three inputs separated by NUL: record, From: value, suffix list.
  std::string_view parts[3];
  for (auto& part : parts) {
    size_t nul = input.find('\0');
    part = input.substr(0, nul);
    input = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  }
  auto record = ms::dmarc::ParseRecord(parts[0]);
  if (record && record->percent > 100) std::abort();
  auto from = ms::dmarc::FromDomain(parts[1]);
  if (from) {
    if (from->empty() || from->find_first_of(" \t<>()") != std::string::npos) std::abort();
    for (char c : *from)
      if (c >= 'A' && c <= 'Z') std::abort();
  }
  ms::PublicSuffixList psl = ms::PublicSuffixList::Parse(parts[2]);
  std::string domain = from ? *from : std::string(parts[1].substr(0, 300));
  std::string org = psl.OrganizationalDomain(domain);
  std::string trimmed = domain;
  while (!trimmed.empty() && trimmed.back() == '.') trimmed.pop_back();
  std::string comparable = ms::ComparableDomain(trimmed);
  if (org.size() > comparable.size() || comparable.compare(comparable.size() - org.size(), org.size(), org) != 0)
    std::abort();
  if (org.size() < comparable.size() && !org.empty() && comparable[comparable.size() - org.size() - 1] != '.')
    std::abort();
  std::string lower = ms::dmarc::FromDomain("x@" + domain) ? *ms::dmarc::FromDomain("x@" + domain) : "";
  (void)lower;
  ms::dmarc::Identifiers ids;
  ids.from_domain = domain;
  ids.spf_result = "pass";
  ids.spf_domain = org;
  ids.dkim_passed = {std::string(parts[2].substr(0, 64))};
  auto lookup = [&](const std::string&) {
    ms::dkim::TxtAnswer answer;
    answer.status = ms::dns::Status::kFound;
    answer.records.push_back(std::string(parts[0]));
    return answer;
  };
  auto e = ms::dmarc::Evaluate(ids, psl, lookup, static_cast<unsigned>(size % 100));
  if (e.outcome == ms::dmarc::Outcome::kPass && !record) std::abort();  // pass needs a record
  return 0;
}
