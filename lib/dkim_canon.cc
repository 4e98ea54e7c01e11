#include "dkim_canon.h"

namespace ms::dkim {

namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string CanonHeader(Canon c, std::string_view field) {
  if (c == Canon::kSimple) return std::string(field) + "\r\n";
  std::string out;
  out.reserve(field.size() + 2);
  size_t colon = field.find(':');
  std::string_view name = field.substr(0, colon);
  while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
  for (char ch : name) out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  if (colon == std::string_view::npos) return out + "\r\n";
  out += ':';
  bool wsp = false;
  bool started = false;
  for (char ch : field.substr(colon + 1)) {
    if (ch == '\r' || ch == '\n') continue;  // unfold
    if (IsWsp(ch)) {
      wsp = true;
      continue;
    }
    if (wsp && started) out += ' ';
    wsp = false;
    started = true;
    out += ch;
  }
  return out + "\r\n";
}

BodyCanonicalizer::BodyCanonicalizer(Canon c, Sink sink, uint64_t limit)
    : canon_(c), sink_(std::move(sink)), limit_(limit) {}

void BodyCanonicalizer::Emit(std::string_view bytes) {
  if (total_ < limit_) {
    uint64_t room = limit_ - total_;
    sink_(bytes.size() > room ? bytes.substr(0, room) : bytes);
  }
  total_ += bytes.size();
  any_line_ = true;
}

void BodyCanonicalizer::Content(std::string_view bytes) {
  while (blank_lines_ > 0) {
    Emit("\r\n");
    --blank_lines_;
  }
  if (pending_wsp_) {
    Emit(" ");
    pending_wsp_ = false;
  }
  Emit(bytes);
  line_started_ = true;
}

void BodyCanonicalizer::EndLine() {
  pending_wsp_ = false;  // relaxed: trailing WSP is dropped
  if (line_started_) {
    Emit("\r\n");
    line_started_ = false;
  } else {
    ++blank_lines_;
  }
}

void BodyCanonicalizer::Update(std::string_view chunk) {
  size_t i = 0;
  while (i < chunk.size()) {
    char c = chunk[i];
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        ++i;
        continue;  // the LF of a CRLF already counted
      }
    }
    if (c == '\r' || c == '\n') {
      EndLine();
      pending_cr_ = c == '\r';
      ++i;
      continue;
    }
    if (canon_ == Canon::kRelaxed && IsWsp(c)) {
      pending_wsp_ = true;
      ++i;
      continue;
    }
    // A run of ordinary bytes goes to the sink in one piece.
    size_t j = i;
    while (j < chunk.size() && chunk[j] != '\r' && chunk[j] != '\n' &&
           !(canon_ == Canon::kRelaxed && IsWsp(chunk[j]))) {
      ++j;
    }
    Content(chunk.substr(i, j - i));
    i = j;
  }
}

void BodyCanonicalizer::Finish() {
  if (line_started_) {
    Emit("\r\n");
    line_started_ = false;
  }
  pending_wsp_ = false;
  if (canon_ == Canon::kSimple && !any_line_) Emit("\r\n");
}

}  // namespace ms::dkim
