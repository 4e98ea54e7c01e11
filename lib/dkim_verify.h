// Verifying every DKIM signature of a message (RFC 6376 section 6), for
// mailsuite-dkim verify and the filter's Authentication-Results.
//
// Fed the message in chunks: memory is the header section (at most
// kMaxHeaderBytes) and one SHA-256 state per signature; the body is never
// held.  Only the first max_signatures DKIM-Signature fields are
// checked (a hostile message may carry thousands; each costs a DNS query
// and a public-key operation); the others are counted in skipped().
//
// Results (RFC 8601 names):
//   pass       the signature verifies and covers the whole body;
//   fail       it does not verify: body hash or signature mismatch, an
//              l= longer than the body, or x= in the past;
//   neutral    it verifies but l= leaves part of the body unsigned
//              (content was appended after signing; 8.2 of the RFC);
//   permerror  the signature or its key record is unusable (syntax, no
//              key, revoked key, wrong key type, RSA key < 1024 bits);
//   temperror  the key could not be fetched now (DNS temporary failure).
#ifndef MAILSUITE_LIB_DKIM_VERIFY_H_
#define MAILSUITE_LIB_DKIM_VERIFY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dkim_dns.h"
#include "dkim_headers.h"

namespace ms::dkim {

enum class Outcome { kPass, kFail, kNeutral, kPermError, kTempError };
const char* OutcomeName(Outcome o);  // "pass", "fail", ...

struct SignatureResult {
  Outcome outcome = Outcome::kPermError;
  std::string reason;    // why, in words ("body hash mismatch")
  std::string domain;    // d= (may be empty when unreadable)
  std::string selector;  // s=
  std::string identity;  // i= (default @d)
  bool testing = false;  // the key says t=y
};

struct VerifyOptions {
  size_t max_signatures = 10;
  int64_t now = 0;  // seconds since the epoch, for x=
};

class Verifier {
 public:
  explicit Verifier(VerifyOptions options);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;
  void Update(std::string_view chunk);
  // The message is complete: fetch keys and decide, in field order.
  std::vector<SignatureResult> Finish(const TxtLookup& lookup);
  size_t skipped() const { return skipped_; }

 private:
  struct Pending;
  void StartBody();

  VerifyOptions options_;
  HeaderReader headers_;
  bool body_started_ = false;
  size_t skipped_ = 0;
  std::vector<std::unique_ptr<Pending>> pending_;
};

std::vector<SignatureResult> VerifyMessage(std::string_view message, const TxtLookup& lookup,
                                           const VerifyOptions& options);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_VERIFY_H_
