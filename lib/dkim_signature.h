// A DKIM-Signature header field read and checked (RFC 6376 3.5, 6.1.1).
// Anything wrong makes the signature a permerror with the reason given.
#ifndef MAILSUITE_LIB_DKIM_SIGNATURE_H_
#define MAILSUITE_LIB_DKIM_SIGNATURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dkim_canon.h"
#include "dkim_crypto.h"
#include "dkim_headers.h"
#include "result.h"

namespace ms::dkim {

// A signature field longer than this is refused unread: no honest
// signature comes near it, and every byte costs hashing and parsing.
inline constexpr size_t kMaxSignatureField = 64 * 1024;

struct Signature {
  Algorithm algorithm = Algorithm::kRsaSha256;
  std::string b;   // decoded signature
  std::string bh;  // decoded body hash
  Canon header_canon = Canon::kSimple;
  Canon body_canon = Canon::kSimple;
  std::string domain;    // d=, lower case
  std::string selector;  // s=
  std::vector<std::string> headers;  // h=, as written
  std::string identity;  // i= (default "@" + d)
  std::optional<uint64_t> length;  // l=
  std::optional<uint64_t> timestamp, expiry;  // t=, x=
  std::string field_without_b;  // the field with b='s value removed (3.7)
};

// The d= and s= of a field even when the rest is unusable, for reports.
struct SignatureNames {
  std::string domain, selector;
};
SignatureNames PeekNames(const HeaderField& field);

Result<Signature> ParseSignature(const HeaderField& field);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_SIGNATURE_H_
