#include "filter/mime_walk.h"

#include <gmime/gmime.h>

#include "address.h"
#include "filter/mime_text.h"

namespace ms::filter {

namespace {

constexpr size_t kMaxBoundary = 70;  // RFC 2046 section 5.1.1

enum class Encoding { kNone, kBase64, kQuotedPrintable };

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && LowerCase(s.substr(s.size() - suffix.size())) == suffix;
}

uint32_t Le16(std::string_view s, size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8;
}
uint32_t Le32(std::string_view s, size_t at) {
  return Le16(s, at) | Le16(s, at + 2) << 16;
}

}  // namespace

struct MimeWalker::Part {
  explicit Part(size_t d) : depth(d) {}
  ~Part() {
    if (decoder) g_object_unref(decoder);
  }
  size_t depth;
  std::vector<std::string> headers;  // unfolded "Name: value"
  size_t header_bytes = 0;
  // Leaf state.
  Encoding encoding = Encoding::kNone;
  GMimeFilter* decoder = nullptr;
  bool first_line = true;
  uint64_t size = 0;
  uint64_t base64_chars = 0;
  bool text = false;
  bool zip = false;
  std::string name;
  std::string text_line;
  std::string zip_tail;
  std::string scratch;
};

MimeWalker::MimeWalker(const WalkLimits& limits, WalkHandler* handler)
    : limits_(limits), handler_(handler), part_(std::make_unique<Part>(0)), parts_(1) {}

MimeWalker::~MimeWalker() = default;

void MimeWalker::Ambiguous(std::string reason) {
  if (reason_.empty()) reason_ = std::move(reason);
  state_ = State::kDone;
  part_.reset();
  pending_.clear();
}

void MimeWalker::Feed(std::string_view data) {
  while (!data.empty() && state_ != State::kDone) {
    size_t nl = data.find('\n');
    std::string_view chunk = data.substr(0, nl);
    if (pending_.size() + chunk.size() > limits_.max_line) {
      Ambiguous("a line longer than " + std::to_string(limits_.max_line) + " octets");
      return;
    }
    if (nl == std::string_view::npos) {
      pending_.append(chunk);
      return;
    }
    data.remove_prefix(nl + 1);
    if (pending_.empty()) {
      Line(chunk);
    } else {
      pending_.append(chunk);
      std::string line;
      line.swap(pending_);
      Line(line);
    }
  }
}

void MimeWalker::Finish() {
  if (state_ == State::kDone) return;
  if (!pending_.empty()) {
    std::string line;
    line.swap(pending_);
    Line(line);
  }
  if (state_ == State::kHeaders) EndHeaders();
  if (state_ == State::kLeaf) EndLeaf();
  if (state_ == State::kDone) return;
  if (!frames_.empty()) {
    Ambiguous("a multipart boundary that never closes");
    return;
  }
  state_ = State::kDone;
  part_.reset();
}

void MimeWalker::Line(std::string_view line) {
  if (state_ == State::kDone) return;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!frames_.empty() && Delimiter(line)) return;
  switch (state_) {
    case State::kHeaders: HeaderLine(line); break;
    case State::kLeaf: LeafLine(line); break;
    default: break;  // preamble, epilogue
  }
}

bool MimeWalker::Delimiter(std::string_view line) {
  if (line.size() < 3 || line[0] != '-' || line[1] != '-') return false;
  std::string_view rest = TrimSpace(line.substr(2));
  for (size_t i = frames_.size(); i-- > 0;) {
    const std::string& b = frames_[i].boundary;
    if (rest.size() < b.size() || rest.compare(0, b.size(), b) != 0) continue;
    std::string_view after = rest.substr(b.size());
    bool close = after == "--";
    if (!after.empty() && !close) continue;
    // The current part ends here.
    if (state_ == State::kHeaders) EndHeaders();
    if (state_ == State::kLeaf) EndLeaf();
    if (state_ == State::kDone) return true;
    if (i + 1 != frames_.size()) {
      Ambiguous("a multipart boundary that never closes");
      return true;
    }
    if (close) {
      frames_.pop_back();
      part_.reset();
      state_ = State::kEpilogue;
    } else {
      StartPart(frames_[i].depth + 1);
    }
    return true;
  }
  return false;
}

void MimeWalker::StartPart(size_t depth) {
  if (++parts_ > limits_.max_parts) {
    Ambiguous("more than " + std::to_string(limits_.max_parts) + " MIME parts");
    return;
  }
  if (depth > limits_.max_depth) {
    Ambiguous("MIME nesting deeper than " + std::to_string(limits_.max_depth));
    return;
  }
  if (depth > max_depth_seen_) max_depth_seen_ = depth;
  part_ = std::make_unique<Part>(depth);
  state_ = State::kHeaders;
}

void MimeWalker::HeaderLine(std::string_view line) {
  Part& p = *part_;
  p.header_bytes += line.size() + 1;
  if (p.header_bytes > limits_.max_header_bytes) {
    Ambiguous("a header section longer than " + std::to_string(limits_.max_header_bytes) + " octets");
    return;
  }
  if (line.empty()) {
    EndHeaders();
    return;
  }
  if ((line[0] == ' ' || line[0] == '\t') && !p.headers.empty()) {
    p.headers.back().append(line);  // unfolding removes only the line break
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
    // Not a header field: the header section ended without its empty
    // line (as mail readers take it); this line is the body's first.
    EndHeaders();
    if (state_ == State::kLeaf) LeafLine(line);
    return;
  }
  p.headers.emplace_back(line);
}

void MimeWalker::EndHeaders() {
  Part& p = *part_;
  const std::string* content_type = nullptr;
  const std::string* encoding = nullptr;
  const std::string* disposition = nullptr;
  int content_types = 0, encodings = 0;
  std::vector<std::string> values(p.headers.size());
  for (size_t i = 0; i < p.headers.size(); ++i) {
    const std::string& h = p.headers[i];
    size_t colon = h.find(':');
    std::string name = LowerCase(h.substr(0, colon));
    values[i] = std::string(TrimSpace(std::string_view(h).substr(colon + 1)));
    handler_->OnHeader(name, DecodeHeaderText(values[i]));
    if (name == "content-type") {
      ++content_types;
      content_type = &values[i];
    } else if (name == "content-transfer-encoding") {
      ++encodings;
      encoding = &values[i];
    } else if (name == "content-disposition") {
      disposition = &values[i];
    }
  }
  if (content_types > 1) return Ambiguous("two Content-Type headers in one part");
  if (encodings > 1) return Ambiguous("two Content-Transfer-Encoding headers in one part");
  ContentType ct;
  if (content_type) ct = ParseContentType(*content_type);
  std::string cte = encoding ? LowerCase(*encoding) : "";
  if (ct.type == "multipart") {
    if (!ct.has_boundary || ct.boundary.empty()) return Ambiguous("a multipart without boundary");
    if (ct.boundary.size() > kMaxBoundary) return Ambiguous("a multipart boundary longer than 70 characters");
    if (p.depth + 1 > limits_.max_depth)
      return Ambiguous("MIME nesting deeper than " + std::to_string(limits_.max_depth));
    frames_.push_back(Frame{ct.boundary, p.depth});
    part_->headers.clear();
    state_ = State::kPreamble;
    return;
  }
  if (ct.type == "message" && (ct.subtype == "rfc822" || ct.subtype == "global") &&
      cte != "base64" && cte != "quoted-printable") {
    StartPart(p.depth + 1);  // the enclosed message's own header section
    return;
  }
  p.headers.clear();
  p.headers.shrink_to_fit();
  p.name = disposition ? DispositionFilename(*disposition) : "";
  if (p.name.empty()) p.name = ct.name;
  bool nul = (disposition && EncodesNul(*disposition)) || (content_type && EncodesNul(*content_type));
  if (!p.name.empty() && (nul || HasDeceptiveCharacters(p.name)))
    return Ambiguous("a file name with control or bidirectional-override characters");
  if (cte == "base64") p.encoding = Encoding::kBase64;
  else if (cte == "quoted-printable") p.encoding = Encoding::kQuotedPrintable;
  if (p.encoding != Encoding::kNone)
    p.decoder = g_mime_filter_basic_new(p.encoding == Encoding::kBase64 ? GMIME_CONTENT_ENCODING_BASE64
                                                                         : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
                                        FALSE);
  p.text = ct.type == "text";
  p.zip = EndsWithNoCase(p.name, ".zip") || (ct.type == "application" &&
          (ct.subtype == "zip" || ct.subtype == "x-zip-compressed" || ct.subtype == "x-zip"));
  state_ = State::kLeaf;
}

void MimeWalker::LeafLine(std::string_view line) {
  Part& p = *part_;
  // The line break before a delimiter belongs to the delimiter (RFC 2046),
  // so each line break is passed on only once the next line arrives.
  bool first = p.first_line;
  p.first_line = false;
  if (p.encoding == Encoding::kNone) {
    if (!first) Decoded("\n", 1);
    Decoded(line.data(), line.size());
    return;
  }
  p.scratch.clear();
  if (p.encoding == Encoding::kBase64) {
    for (char c : line)
      if (IsBase64Char(c)) ++p.base64_chars;
  } else if (!first) {
    p.scratch.push_back('\n');
  }
  p.scratch.append(line);
  if (p.scratch.empty()) return;
  char* out = nullptr;
  size_t outlen = 0, outprespace = 0;
  g_mime_filter_filter(p.decoder, p.scratch.data(), p.scratch.size(), 0, &out, &outlen, &outprespace);
  if (outlen) Decoded(out, outlen);
}

void MimeWalker::Decoded(const char* data, size_t len) {
  Part& p = *part_;
  p.size += len;
  if (p.text && handler_->WantsBody()) BodyText(data, len);
  if (p.zip) {
    p.zip_tail.append(data, len);
    if (p.zip_tail.size() > 2 * limits_.zip_tail) p.zip_tail.erase(0, p.zip_tail.size() - limits_.zip_tail);
  }
}

void MimeWalker::BodyText(const char* data, size_t len) {
  Part& p = *part_;
  std::string_view d(data, len);
  while (!d.empty()) {
    size_t nl = d.find('\n');
    std::string_view piece = d.substr(0, nl);
    // A decoded "line" longer than the limit is matched in pieces.
    while (p.text_line.size() + piece.size() > limits_.max_line) {
      size_t take = limits_.max_line - p.text_line.size();
      p.text_line.append(piece.substr(0, take));
      handler_->OnBodyLine(p.text_line);
      p.text_line.clear();
      piece.remove_prefix(take);
    }
    p.text_line.append(piece);
    if (nl == std::string_view::npos) break;
    std::string_view l = p.text_line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    handler_->OnBodyLine(l);
    p.text_line.clear();
    d.remove_prefix(nl + 1);
  }
}

void MimeWalker::EndLeaf() {
  Part& p = *part_;
  if (p.decoder) {
    char* out = nullptr;
    size_t outlen = 0, outprespace = 0;
    char empty[1] = {0};
    g_mime_filter_complete(p.decoder, empty, 0, 0, &out, &outlen, &outprespace);
    if (outlen) Decoded(out, outlen);
  }
  if (p.encoding == Encoding::kBase64 && p.base64_chars % 4 != 0)
    return Ambiguous("truncated base64 (" + std::to_string(p.base64_chars) + " characters)");
  if (p.text && handler_->WantsBody() && !p.text_line.empty()) {
    handler_->OnBodyLine(p.text_line);
    p.text_line.clear();
  }
  if (!p.name.empty()) handler_->OnAttachment(p.name, p.size, "");
  if (p.zip) {
    std::vector<ZipEntry> entries;
    if (!ReadZipDirectory(p.zip_tail, limits_.max_zip_entries, &entries))
      return Ambiguous("a zip archive whose central directory cannot be read");
    for (const ZipEntry& e : entries) {
      if (HasDeceptiveCharacters(e.name))
        return Ambiguous("a zip member name with control or bidirectional-override characters");
      handler_->OnAttachment(e.name, e.size, p.name);
    }
  }
  part_ = std::make_unique<Part>(p.depth);
  state_ = State::kEpilogue;  // until the next delimiter
}

bool ReadZipDirectory(std::string_view tail, size_t max_entries, std::vector<ZipEntry>* entries) {
  constexpr size_t kEocd = 22;
  if (tail.size() < kEocd) return false;
  size_t lowest = tail.size() > kEocd + 65535 ? tail.size() - kEocd - 65535 : 0;
  for (size_t at = tail.size() - kEocd + 1; at-- > lowest;) {
    if (tail.compare(at, 4, "PK\x05\x06") != 0) continue;
    size_t count = Le16(tail, at + 10);
    size_t dir_size = Le32(tail, at + 12);
    size_t comment = Le16(tail, at + 20);
    if (at + kEocd + comment != tail.size()) continue;
    if (dir_size > at || count > max_entries) return false;
    // Located from the end record backwards, so data prepended to the
    // archive (a self-extractor) does not move it.
    size_t p = at - dir_size;
    entries->clear();
    for (size_t n = 0; n < count; ++n) {
      if (p + 46 > at || tail.compare(p, 4, "PK\x01\x02") != 0) return false;
      size_t name_len = Le16(tail, p + 28), extra = Le16(tail, p + 30), note = Le16(tail, p + 32);
      if (p + 46 + name_len + extra + note > at) return false;
      entries->push_back(ZipEntry{std::string(tail.substr(p + 46, name_len)), Le32(tail, p + 24)});
      p += 46 + name_len + extra + note;
    }
    return true;
  }
  return false;
}

}  // namespace ms::filter
