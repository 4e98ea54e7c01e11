#include "smtpd/relay_policy.h"

#include <cstring>

#include "ip_address.h"
#include "utf8_address.h"

namespace ms::smtpd {

namespace {

// Parses an IPv4 or IPv6 text (IPv4-mapped IPv6 folded to IPv4) into a
// comparable byte string; empty when it is not an address.
std::string IpBytes(std::string text) {
  auto address = IpAddress::Parse(text);
  if (!address) return {};
  IpAddress ip = address->Unmapped();
  return std::string(reinterpret_cast<const char*>(ip.bytes.data()), ip.v6 ? 16 : 4);
}

bool IsOurDomain(const RelayConfig& config, const std::string& domain, bool* temp_fail) {
  if (HostInList(domain, config.rcpthosts)) return true;
  if (!config.more_rcpthosts) return false;
  // qmail's morercpthosts: the domain itself, then each ".suffix"; an
  // internationalised domain by its A-labels, as mailsuite-newmrh stores it.
  const std::string ascii = IsAscii(domain) ? std::string() : ComparableDomain(domain);
  std::string_view d = ascii.empty() ? std::string_view(domain) : std::string_view(ascii);
  for (;;) {
    auto found = config.more_rcpthosts(d);
    if (!found) {
      *temp_fail = true;
      return false;
    }
    if (*found) return true;
    size_t dot = d.find('.', d.front() == '.' ? 1 : 0);
    if (dot == std::string_view::npos) return false;
    d.remove_prefix(dot);
  }
}

}  // namespace

bool LiteralIsLocalIp(std::string_view literal, std::string_view local_ip) {
  if (literal.size() < 3 || literal.front() != '[' || literal.back() != ']') return false;
  std::string inner(literal.substr(1, literal.size() - 2));
  if (inner.size() > 5 && LowerCase(inner.substr(0, 5)) == "ipv6:") inner.erase(0, 5);
  std::string a = IpBytes(inner);
  return !a.empty() && a == IpBytes(std::string(local_ip));
}

std::string EnvelopeAddress(const Mailbox& mailbox) {
  if (mailbox.domain.empty()) return mailbox.local;
  return mailbox.local + "@" + mailbox.domain;
}

bool IsBadAddress(const std::vector<std::string>& list, const Mailbox& mailbox) {
  if (list.empty()) return false;
  std::string address = LowerCase(EnvelopeAddress(mailbox));
  std::string at_domain = "@" + mailbox.domain;
  for (const auto& entry : list) {
    std::string e = LowerCase(entry);
    if (e == address || (!mailbox.domain.empty() && e == at_domain)) return true;
  }
  return false;
}

RcptDecision CheckRecipient(const RelayConfig& config, const Path& path, bool authenticated) {
  RcptDecision d;
  Mailbox box = path.mailbox;
  bool known_ours = false;  // [our IP] and <postmaster> need no rcpthosts entry
  if (box.domain.empty()) {
    // RFC 5321 4.5.1: <postmaster> with no domain reaches our postmaster.
    if (LowerCase(box.local) != "postmaster") {
      d.verdict = RcptVerdict::kNoDomain;
      return d;
    }
    box.local = "postmaster";
    box.domain = LowerCase(config.me);
    known_ours = true;
  }
  if (box.IsLiteral()) {
    if (LiteralIsLocalIp(box.domain, config.local_ip) && !config.localiphost.empty()) {
      box.domain = LowerCase(config.localiphost);  // as qmail: [our ip] -> localiphost
      known_ours = true;
    }
  }
  if (IsBadAddress(config.badrcptto, box)) {
    d.verdict = RcptVerdict::kBadRcpt;
    return d;
  }
  if (config.relayclient || authenticated) {
    d.verdict = RcptVerdict::kAccept;
    d.address = EnvelopeAddress(box);
    if (config.relayclient && !authenticated) d.address += *config.relayclient;
    return d;
  }
  if (box.IsLiteral()) {
    d.verdict = RcptVerdict::kForeignLiteral;
    return d;
  }
  bool temp_fail = false;
  if (!known_ours && !IsOurDomain(config, box.domain, &temp_fail)) {
    d.verdict = temp_fail ? RcptVerdict::kTempFail : RcptVerdict::kRelayDenied;
    return d;
  }
  // The domain is ours; the local part must not route elsewhere.
  if (box.local.find('@') != std::string::npos) {
    d.verdict = RcptVerdict::kAtInLocal;
    return d;
  }
  if (box.local.find('!') != std::string::npos) {
    d.verdict = RcptVerdict::kBangPath;
    return d;
  }
  if (box.local.find('%') != std::string::npos && !HostInList(box.domain, config.percenthack)) {
    d.verdict = RcptVerdict::kPercentHack;
    return d;
  }
  d.verdict = RcptVerdict::kAccept;
  d.address = EnvelopeAddress(box);
  return d;
}

}  // namespace ms::smtpd
