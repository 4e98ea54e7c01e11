#include "local/header_scan.h"

#include "text.h"

namespace ms::local {
namespace {

}  // namespace

bool HeaderScan::Feed(std::string_view data) {
  while (!done_ && !data.empty()) {
    size_t nl = data.find('\n');
    std::string_view piece = data.substr(0, nl);
    // Keep only the start of a long line: enough to know its field name.
    size_t room = kMaxTrackedLine - line_.size();
    if (piece.size() > room) overlong_ = true;
    line_.append(piece.substr(0, room));
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
    EndLine();
  }
  return !done_;
}

void HeaderScan::Finish() {
  if (!done_ && !line_.empty()) EndLine();
  done_ = true;
}

void HeaderScan::EndLine() {
  bool overlong = overlong_;
  overlong_ = false;
  std::string_view line = line_;
  if (!overlong && (line.empty() || line == "\r")) {
    done_ = true;  // the blank line that ends the header
  } else if (StartsWithIgnoringCase(line, "received:")) {
    ++received_;
  } else if (!overlong && StartsWithIgnoringCase(line, "delivered-to:")) {
    std::string_view value = TrimRight(TrimLeft(line.substr(13)), " \t\r");
    if (EqualsIgnoringCase(value, recipient_)) loop_ = true;
  }
  line_.clear();
}

}  // namespace ms::local
