// How the DKIM verifier asks for key records: a function from a name to
// the TXT records there, so the filter, mailsuite-dkim and the tests can
// each supply their own.  LookupTxt is the real one, on lib/dns_lookup.h
// (its found / not found / temporary results kept).
#ifndef MAILSUITE_LIB_DKIM_DNS_H_
#define MAILSUITE_LIB_DKIM_DNS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dns_lookup.h"

namespace ms::dkim {

struct TxtAnswer {
  dns::Status status = dns::Status::kNotFound;
  std::vector<std::string> records;  // each record's strings concatenated
  std::string error;                 // when kTemporary
};

using TxtLookup = std::function<TxtAnswer(const std::string& dotted_name)>;

// The TXT records at the name, CNAMEs followed (lib/dns_lookup.h
// ChaseCnames); timeout_ms bounds the whole lookup.
TxtAnswer LookupTxt(const std::string& dotted_name, int64_t timeout_ms);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_DNS_H_
