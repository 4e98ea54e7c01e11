// Fuzzes what mailsuite-local reads from a message and a Maildir: the
// header scan (loop checks), mboxrd quoting (must round-trip), the
// maildirsize parser and the quota syntax.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "local/from_quote.h"
#include "local/header_scan.h"
#include "local/quota.h"

namespace {

std::string Unquote(std::string_view mbox) {
  std::string out;
  while (!mbox.empty()) {
    size_t nl = mbox.find('\n');
    std::string_view line = mbox.substr(0, nl == std::string_view::npos ? mbox.size() : nl + 1);
    mbox.remove_prefix(line.size());
    size_t gt = line.find_first_not_of('>');
    if (gt != std::string_view::npos && gt > 0 && line.substr(gt).rfind("From ", 0) == 0) line.remove_prefix(1);
    out.append(line);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t chunk = size > 0 ? (data[0] % 13) + 1 : 1;

  ms::local::HeaderScan scan("joe@example.com");
  for (size_t i = 0; i < text.size(); i += chunk) scan.Feed(text.substr(i, chunk));
  scan.Finish();

  ms::local::FromQuoter quoter;
  std::string out;
  for (size_t i = 0; i < text.size(); i += chunk) quoter.Feed(text.substr(i, chunk), &out);
  quoter.Finish(&out);
  // Reading the mbox entry back gives the message, plus at most the
  // newline we added and the separating blank line.
  std::string back = Unquote(out);
  if (back.compare(0, text.size(), text) != 0) std::abort();
  if (back.size() > text.size() + 2) std::abort();
  // No line of the output starts a new message.
  if (out.rfind("From ", 0) == 0 || out.find("\nFrom ") != std::string::npos) std::abort();

  auto f = ms::local::ParseMaildirSize(text);
  (void)f;
  auto q = ms::local::ParseQuotaSpec(text);
  if (q.ok() && !q->none()) {
    auto again = ms::local::ParseQuotaSpec(ms::local::FormatQuotaSpec(*q));
    if (!again.ok() || !(*again == *q)) std::abort();
  }
  return 0;
}
