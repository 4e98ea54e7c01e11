#include "filter/sender_check.h"

#include <cstdlib>
#include <optional>

#include "filter/sender_auth.h"
#include "filter/top_header.h"
#include "public_suffix.h"

namespace ms::filter {

namespace {

constexpr int kLookupMs = 8000;

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

}  // namespace

Result<SenderCheck> CheckSender(int spool_fd, uint64_t size, size_t max_header_bytes, const std::string& me,
                                const Deadline& deadline) {
  std::string error;
  const PublicSuffixList* suffixes = Suffixes(&error);
  if (!suffixes) return Error{error};
  auto top = ReadTopHeader(spool_fd, size, max_header_bytes);
  if (!top) return top.error();
  SenderCheck check;
  const auto& fields = top->section.fields;

  std::optional<SpfOutcome> spf = ReceivedSpfOnTop(*top);
  std::vector<DkimOutcome> dkim;  // filled by the DKIM verifier
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
      // Two lookups at most (the domain's record, the organisation's).
      int left = deadline.PollTimeout();
      auto lookup = dmarc::DnsTxtLookup(left < 0 || left > kLookupMs ? kLookupMs : (left ? left : 1));
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
  check.log = "spf=" + (spf ? spf->result : std::string("none")) + " dkim=" +
              std::to_string(dkim_passed.size()) + "/" + std::to_string(dkim.size()) +
              " dmarc=" + dmarc::OutcomeName(check.dmarc.outcome);
  return check;
}

}  // namespace ms::filter
