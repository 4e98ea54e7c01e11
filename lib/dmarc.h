// DMARC (RFC 7489): does the domain in From: stand behind this message?
// It does when SPF passed for an aligned envelope domain or a DKIM
// signature passed for an aligned d= domain; the policy record published
// at _dmarc.DOMAIN (else at _dmarc.ORGANIZATIONAL-DOMAIN) says what the
// owner wants done with mail that fails.
//
// Only the receiver's evaluation is here: no reports are sent (rua/ruf are
// read for the record's validity and otherwise ignored).
#ifndef MAILSUITE_LIB_DMARC_H_
#define MAILSUITE_LIB_DMARC_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim_dns.h"
#include "public_suffix.h"
#include "result.h"

namespace ms::dmarc {

enum class Policy { kNone, kQuarantine, kReject };
enum class Alignment { kRelaxed, kStrict };

struct Record {
  Policy policy = Policy::kNone;
  std::optional<Policy> subdomain_policy;  // sp=
  unsigned percent = 100;                  // pct=
  Alignment dkim_alignment = Alignment::kRelaxed;
  Alignment spf_alignment = Alignment::kRelaxed;
};

// One TXT string (the character-strings of a record joined).  An error
// means the text is not a usable DMARC record: it does not start with
// v=DMARC1, or it has no valid p= and no valid rua= (RFC 7489 6.6.3 step
// 6: with a valid rua= a bad p= reads as p=none), or a tag is malformed.
Result<Record> ParseRecord(std::string_view text);

// The TXT records at a name, as DKIM asks for keys (lib/dkim_dns.h):
// tests pass a table, mail programs dkim::LookupTxt.
using TxtLookup = dkim::TxtLookup;

// What the other checks found, as Authentication-Results would say it.
struct Identifiers {
  std::string from_domain;                 // RFC5322.From's domain (U-labels or A-labels)
  std::string spf_result;                  // "pass", "fail", ... or "" (none)
  std::string spf_domain;                  // the domain SPF checked (MAIL FROM, else HELO)
  std::vector<std::string> dkim_passed;    // d= of every signature that passed
};

enum class Outcome { kNone, kPass, kFail, kTempError, kPermError };
const char* OutcomeName(Outcome outcome);  // "none", "pass", "fail", "temperror", "permerror"
const char* PolicyName(Policy policy);     // "none", "quarantine", "reject"

struct Evaluation {
  Outcome outcome = Outcome::kNone;
  Policy published = Policy::kNone;  // p= or sp=, whichever applies to the From domain
  Policy disposition = Policy::kNone;  // what to do, after pct= sampling (6.6.4)
  std::string record_domain;          // where the record was found
  std::string reason;                 // why, for logs and the header's comment
};

// sample: a number 0..99 chosen at random per message (tests fix it);
// the policy applies when sample < pct, else the next milder one does.
Evaluation Evaluate(const Identifiers& ids, const PublicSuffixList& suffixes, const TxtLookup& lookup,
                    unsigned sample);

// Identifier alignment (3.1): strict means equal, relaxed means the same
// Organizational Domain.  Case-insensitive.
bool Aligned(std::string_view identifier, std::string_view from_domain, Alignment mode,
             const PublicSuffixList& suffixes);

// The domain of the single mailbox in a From: header field's value, lower
// case; an error when there is no mailbox, more than one, or no domain
// (6.6.1: such a message cannot be evaluated).
Result<std::string> FromDomain(std::string_view from_value);

}  // namespace ms::dmarc

#endif  // MAILSUITE_LIB_DMARC_H_
