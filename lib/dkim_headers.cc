#include "dkim_headers.h"

#include "address.h"

namespace ms::dkim {

void HeaderReader::FlushField() {
  if (have_field_) fields_.push_back(std::move(field_));
  field_ = HeaderField{};
  have_field_ = false;
}

void HeaderReader::EndLine() {
  if (line_.empty()) {
    FlushField();
    done_ = true;
    return;
  }
  if ((line_[0] == ' ' || line_[0] == '\t') && have_field_) {
    field_.raw += "\r\n";
    field_.raw += line_;
  } else {
    FlushField();
    size_t colon = line_.find(':');
    std::string_view name = std::string_view(line_).substr(0, colon == std::string::npos ? line_.size() : colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    field_.name = std::string(name);
    field_.raw = std::move(line_);
    have_field_ = true;
  }
  line_.clear();
}

std::string_view HeaderReader::Update(std::string_view chunk) {
  if (done_) {
    if (swallow_lf_ && !chunk.empty()) {
      swallow_lf_ = false;
      if (chunk[0] == '\n') chunk.remove_prefix(1);
    }
    return too_large_ ? std::string_view() : chunk;
  }
  for (size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') continue;
    }
    if (++bytes_ > max_bytes_) {
      too_large_ = done_ = true;
      fields_.clear();
      line_.clear();
      field_ = HeaderField{};
      return {};
    }
    if (c == '\r' || c == '\n') {
      EndLine();
      if (done_) {
        std::string_view rest = chunk.substr(i + 1);
        if (c == '\r') {
          if (rest.empty()) {
            swallow_lf_ = true;
          } else if (rest[0] == '\n') {
            rest.remove_prefix(1);
          }
        }
        return rest;
      }
      pending_cr_ = c == '\r';
      continue;
    }
    line_ += c;
  }
  return {};
}

void HeaderReader::Finish() {
  if (done_) return;
  if (!line_.empty()) EndLine();
  FlushField();
  done_ = true;
}

bool SameFieldName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

namespace {

// The field value with comments and quoted strings blanked out, unfolded.
std::string WithoutCommentsAndQuotes(std::string_view value) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\r' || c == '\n') continue;
    if (c == '\\' && (quoted || depth > 0)) {
      ++i;
      continue;
    }
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (depth > 0) {
      if (c == '(') ++depth;
      if (c == ')') --depth;
      continue;
    }
    if (c == '"') {
      quoted = true;
      continue;
    }
    if (c == '(') {
      depth = 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string FromDomain(const std::vector<HeaderField>& fields) {
  for (const HeaderField& f : fields) {
    if (!SameFieldName(f.name, "from")) continue;
    size_t colon = f.raw.find(':');
    if (colon == std::string::npos) return "";
    std::string value = WithoutCommentsAndQuotes(std::string_view(f.raw).substr(colon + 1));
    std::string_view addr = value;
    size_t lt = addr.find('<');
    if (lt != std::string_view::npos) {
      addr.remove_prefix(lt + 1);
      addr = addr.substr(0, addr.find('>'));
    } else {
      addr = addr.substr(0, addr.find(','));  // the first of a list
    }
    size_t at = addr.rfind('@');
    if (at == std::string_view::npos) return "";
    std::string_view domain = addr.substr(at + 1);
    while (!domain.empty() && (domain.front() == ' ' || domain.front() == '\t')) domain.remove_prefix(1);
    while (!domain.empty() && (domain.back() == ' ' || domain.back() == '\t')) domain.remove_suffix(1);
    std::string lower = LowerCase(domain);
    return IsValidDomain(lower) ? lower : "";
  }
  return "";
}

}  // namespace ms::dkim
