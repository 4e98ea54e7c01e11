// Making a DKIM-Signature (RFC 6376 section 5; RFC 8463 for Ed25519).
// Always relaxed/relaxed, no l= (a length limit lets anyone append to
// the signed message), t= the signing time.  h= is the RFC 6376 5.4.1
// set of fields that the message has, each listed once more than it
// occurs ("oversigned", 8.15): a field added later by someone else then
// breaks the signature instead of passing unsigned.
//
// Fed the message in chunks (memory: the header section, at most
// kMaxHeaderBytes, and nothing of the body); Sign then returns the
// complete header field to put on top of the message, CRLF line ends,
// b= folded at 72 columns.
#ifndef MAILSUITE_LIB_DKIM_SIGN_H_
#define MAILSUITE_LIB_DKIM_SIGN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dkim_canon.h"
#include "dkim_crypto.h"
#include "dkim_headers.h"
#include "result.h"

namespace ms::dkim {

inline constexpr size_t kMaxHeaderBytes = 4 * 1024 * 1024;

// The fields that h= names select, in hashing order (RFC 6376 5.4.2):
// each name takes the last occurrence not yet taken; a name with none
// left selects nothing.  Shared with the verifier.
std::vector<const HeaderField*> SelectSignedFields(const std::vector<HeaderField>& fields,
                                                   const std::vector<std::string>& names);

class Signer {
 public:
  Signer();
  void Update(std::string_view chunk);
  void Finish();  // the message is complete
  // The header fields (after Finish), e.g. to find the From: domain.
  const HeaderReader& headers() const { return headers_; }
  // The DKIM-Signature field for key (RSA or Ed25519), d=domain, s=selector.
  Result<std::string> Sign(EVP_PKEY* key, std::string_view domain, std::string_view selector,
                           int64_t now) const;

 private:
  HeaderReader headers_;
  Sha256 body_hash_;
  BodyCanonicalizer body_;
  std::string bh_;
};

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_SIGN_H_
