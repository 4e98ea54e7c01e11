#include "filter/sender_check.h"

#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <cstdlib>
#include <optional>

#include "address.h"
#include "dkim_verify.h"
#include "filter/sender_auth.h"
#include "filter/top_header.h"
#include "ip_address.h"
#include "public_suffix.h"
#include "spf.h"
#include "spf_dns.h"
#include "text.h"

namespace ms::filter {

namespace {

constexpr int kLookupMs = 8000;
constexpr size_t kMaxSignatures = 10;

// The list is read once per process: a pooled worker keeps it for every
// message it serves.
const PublicSuffixList* Suffixes(std::string* error) {
  static std::optional<Result<PublicSuffixList>> list;
  if (!list) list = PublicSuffixList::Load();
  if (!list->ok()) {
    *error = list->error().message;
    return nullptr;
  }
  return &list->value();
}

// smtpd's own Received line: the first Received: field, right under its
// Received-SPF when there is one.  "Received: from HELO (HOST [IP])\n\tby
// ME (VERSION) with PROTOCOL; DATE" (smtpd/received.cc).
struct OurReceived {
  std::string helo;
  bool authenticated = false;  // RFC 3848: ESMTPA, ESMTPSA (UTF8SMTPA, ...)
};

std::optional<OurReceived> ReceivedOnTop(const TopHeader& header) {
  const auto& fields = header.section.fields;
  size_t i = !fields.empty() && fields[0].Is("Received-SPF") ? 1 : 0;
  if (i >= fields.size() || !fields[i].Is("Received")) return std::nullopt;
  std::string value = Unfolded(fields[i]);
  std::string_view v = Trim(value);
  if (!StartsWithIgnoringCase(v, "from ")) return std::nullopt;
  OurReceived ours;
  v.remove_prefix(5);
  ours.helo = std::string(v.substr(0, v.find_first_of(" \t(")));
  size_t with = value.rfind(" with ");
  if (with != std::string::npos) {
    std::string_view protocol = std::string_view(value).substr(with + 6);
    protocol = protocol.substr(0, protocol.find_first_of("; \t"));
    ours.authenticated = !protocol.empty() && (protocol.back() == 'A' || protocol.back() == 'a');
  }
  return ours;
}

// Every DKIM signature of the spooled message, verified (at most
// kMaxSignatures; lib/dkim_verify.h).
std::vector<DkimOutcome> VerifySignatures(int spool_fd, uint64_t size, const dkim::TxtLookup& lookup,
                                          std::string* error) {
  dkim::VerifyOptions options;
  options.max_signatures = kMaxSignatures;
  options.now = static_cast<int64_t>(::time(nullptr));
  dkim::Verifier verifier(options);
  std::string buf(65536, '\0');
  for (uint64_t off = 0; off < size;) {
    ssize_t n = ::pread(spool_fd, buf.data(), buf.size(), static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "reading the spool for DKIM";
      return {};
    }
    verifier.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    off += static_cast<uint64_t>(n);
  }
  std::vector<DkimOutcome> out;
  for (const dkim::SignatureResult& r : verifier.Finish(lookup))
    out.push_back(DkimOutcome{dkim::OutcomeName(r.outcome), r.domain, r.selector, r.reason});
  return out;
}

}  // namespace

Result<std::optional<SenderCheck>> CheckSender(int spool_fd, uint64_t size, size_t max_header_bytes,
                                               const std::string& me, const Envelope& envelope,
                                               const SessionFacts& session, const Deadline& deadline) {
  std::string error;
  const PublicSuffixList* suffixes = Suffixes(&error);
  if (!suffixes) return Error{error};
  auto top = ReadTopHeader(spool_fd, size, max_header_bytes);
  if (!top) return top.error();
  const auto& fields = top->section.fields;
  int left = deadline.PollTimeout();
  int64_t lookup_ms = left < 0 || left > kLookupMs ? kLookupMs : (left ? left : 1);
  dkim::TxtLookup lookup = [lookup_ms](const std::string& name) { return dkim::LookupTxt(name, lookup_ms); };

  // SPF: what our smtpd wrote on top; else evaluated here from the session,
  // unless the client is one of ours (relay or authenticated).
  std::optional<SpfOutcome> spf = ReceivedSpfOnTop(*top);
  if (!spf) {
    std::optional<OurReceived> received = ReceivedOnTop(*top);
    if (session.relay_client || (received && received->authenticated)) return std::optional<SenderCheck>();
    auto ip = IpAddress::Parse(session.remote_ip);
    if (ip && received) {
      spf::Request request;
      request.ip = *ip;
      request.sender = envelope.sender;
      request.helo = received->helo;
      request.receiver = me;
      request.now = ::time(nullptr);
      spf::DnsResolver resolver(lookup_ms, deadline);
      spf::Outcome outcome = spf::Check(request, resolver);
      spf = SpfOutcome{std::string(spf::ResultName(outcome.result)), outcome.domain};
    }
  }

  SenderCheck check;
  std::vector<DkimOutcome> dkim = VerifySignatures(spool_fd, size, lookup, &error);
  if (!error.empty()) return Error{error};
  std::vector<std::string> dkim_passed;
  for (const DkimOutcome& d : dkim)
    if (d.result == "pass") dkim_passed.push_back(d.domain);

  const queue::HeaderField* from = nullptr;
  size_t from_count = 0;
  for (const auto& f : fields)
    if (f.Is("From")) {
      from = from ? from : &f;
      ++from_count;
    }
  if (from_count == 1) {
    auto domain = dmarc::FromDomain(Unfolded(*from));
    if (domain) {
      check.from_domain = *domain;
      dmarc::Identifiers ids;
      ids.from_domain = *domain;
      if (spf) {
        ids.spf_result = spf->result;
        ids.spf_domain = spf->domain;
      }
      ids.dkim_passed = dkim_passed;
      check.dmarc = dmarc::Evaluate(ids, *suffixes, lookup, arc4random_uniform(100));
    } else {
      check.dmarc.outcome = dmarc::Outcome::kPermError;
      check.dmarc.reason = domain.error().message;
    }
  } else {
    check.dmarc.outcome = dmarc::Outcome::kPermError;
    check.dmarc.reason = from_count ? "more than one From: field" : "no From: field";
  }
  check.results_header = AuthenticationResults(me, spf, dkim, check.dmarc, check.from_domain);

  bool forged = false;
  for (const auto& f : fields) forged = forged || (f.Is("Authentication-Results") && ClaimsToBe(f, me));
  if (forged) {
    check.rewrite = true;
    for (const auto& f : fields)
      if (!(f.Is("Authentication-Results") && ClaimsToBe(f, me))) check.header_section += f.text;
    if (top->section.blank_line) check.header_section += "\n";
    check.body_offset = top->end;
  }
  check.spf_result = spf ? spf->result : std::string("none");
  check.dkim_passed = dkim_passed.size();
  check.dkim_checked = dkim.size();
  return std::optional<SenderCheck>(std::move(check));
}

}  // namespace ms::filter
