// Which recipients and senders this server accepts: rcpthosts,
// morercpthosts.cdb, RELAYCLIENT, badmailfrom/badrcptto, and the refusal
// of every open-relay trick (smtpd/README.md lists them).  Pure apart from
// the cdb lookup, which goes through a callback so tests need no files.
#ifndef MAILSUITE_SMTPD_RELAY_POLICY_H_
#define MAILSUITE_SMTPD_RELAY_POLICY_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "address.h"

namespace ms::smtpd {

enum class RcptVerdict {
  kAccept,
  kRelayDenied,     // domain not ours: 553 5.7.1
  kPercentHack,     // user%other@ours without percenthack: 553 5.7.1
  kBangPath,        // other!user@ours: 553 5.7.1
  kAtInLocal,       // "user@other"@ours: 553 5.7.1
  kForeignLiteral,  // [ip] that is not this server's: 553 5.7.1
  kBadRcpt,         // badrcptto: 553 5.7.1
  kNoDomain,        // <user> other than postmaster: 553 5.1.3
  kTempFail,        // morercpthosts.cdb unreadable: 451 4.3.0
};

struct RelayConfig {
  std::vector<std::string> rcpthosts;
  std::vector<std::string> percenthack;
  std::vector<std::string> badrcptto;
  std::vector<std::string> badmailfrom;
  std::string localiphost;                // name for [TCPLOCALIP]
  std::string local_ip;                   // TCPLOCALIP
  std::string me;                         // for <postmaster>
  std::optional<std::string> relayclient; // RELAYCLIENT, if set
  // morercpthosts.cdb: returns true/false, or nullopt if it cannot be read.
  std::function<std::optional<bool>(std::string_view key)> more_rcpthosts;
};

struct RcptDecision {
  RcptVerdict verdict = RcptVerdict::kRelayDenied;
  std::string address;  // the envelope recipient to queue when accepted
};

// authenticated: an AUTH-ed client may relay like a RELAYCLIENT (no suffix).
RcptDecision CheckRecipient(const RelayConfig& config, const Path& path, bool authenticated);

// badmailfrom: exact address or "@domain" (case-insensitive).
bool IsBadAddress(const std::vector<std::string>& list, const Mailbox& mailbox);

// Whether the literal "[1.2.3.4]" / "[IPv6:...]" names local_ip.
bool LiteralIsLocalIp(std::string_view literal, std::string_view local_ip);

// The envelope form of an address: local@domain, the local part unquoted
// (qmail's envelope carries the decoded local part).
std::string EnvelopeAddress(const Mailbox& mailbox);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_RELAY_POLICY_H_
