#include "local/from_quote.h"

namespace ms::local {
namespace {
constexpr std::string_view kFrom = "From ";
}  // namespace

void FromQuoter::FlushPending(std::string* out, bool quote) {
  if (quote) out->push_back('>');
  out->append(pending_);
  pending_.clear();
  at_line_start_ = false;
}

void FromQuoter::Feed(std::string_view in, std::string* out) {
  if (!in.empty()) {
    empty_ = false;
    last_was_newline_ = in.back() == '\n';
  }
  while (!in.empty()) {
    if (at_line_start_) {
      // pending_ is a prefix of ">*From "; extend it one byte at a time.
      char c = in.front();
      size_t gt = pending_.find_first_not_of('>');
      bool still_in_gts = gt == std::string::npos;
      size_t matched = still_in_gts ? 0 : pending_.size() - gt;
      bool fits = (still_in_gts && c == '>') || kFrom[matched] == c;
      if (!fits) {
        FlushPending(out, false);
        continue;
      }
      pending_.push_back(c);
      in.remove_prefix(1);
      if (!still_in_gts || c != '>') {
        if (matched + 1 == kFrom.size()) FlushPending(out, true);
      }
      continue;
    }
    size_t nl = in.find('\n');
    if (nl == std::string_view::npos) {
      out->append(in);
      return;
    }
    out->append(in.substr(0, nl + 1));
    in.remove_prefix(nl + 1);
    at_line_start_ = true;
  }
}

void FromQuoter::Finish(std::string* out) {
  if (!pending_.empty()) FlushPending(out, false);
  if (!empty_ && !last_was_newline_) out->push_back('\n');
  out->push_back('\n');
  at_line_start_ = true;
}

}  // namespace ms::local
