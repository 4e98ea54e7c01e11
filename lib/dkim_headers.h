// The header section of a message as DKIM reads it (RFC 5322 2.2):
// fields with their folded continuation lines, up to the first empty line.
// Line ends LF, CRLF and lone CR are all accepted (stored messages end
// lines with LF) and a field's lines are joined with CRLF, the form the
// message has on the wire.  Fed in chunks; memory is bounded by
// max_bytes, past which the section counts as too large.
#ifndef MAILSUITE_LIB_DKIM_HEADERS_H_
#define MAILSUITE_LIB_DKIM_HEADERS_H_

#include <string>
#include <string_view>
#include <vector>

namespace ms::dkim {

struct HeaderField {
  std::string name;  // as written, without trailing WSP
  std::string raw;   // the whole field, lines joined by CRLF, no final CRLF
};

class HeaderReader {
 public:
  explicit HeaderReader(size_t max_bytes) : max_bytes_(max_bytes) {}
  // Feeds the next bytes; once the header section has ended, returns the
  // part of chunk that belongs to the body ("" before that).
  std::string_view Update(std::string_view chunk);
  // End of input: a message without an empty line is all header.
  void Finish();
  bool done() const { return done_; }
  bool too_large() const { return too_large_; }
  const std::vector<HeaderField>& fields() const { return fields_; }

 private:
  void EndLine();
  void FlushField();

  size_t max_bytes_;
  size_t bytes_ = 0;
  bool done_ = false;
  bool too_large_ = false;
  bool pending_cr_ = false;
  bool swallow_lf_ = false;  // the section ended on a CR: its LF is not body
  std::string line_;
  bool have_field_ = false;
  HeaderField field_;
  std::vector<HeaderField> fields_;
};

// Case-insensitive ASCII comparison of field names.
bool SameFieldName(std::string_view a, std::string_view b);

// The domain of the first address in a From: field's value (display
// names, comments and quoted strings skipped), lower case; "" when there
// is none that is a valid domain.
std::string FromDomain(const std::vector<HeaderField>& fields);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_HEADERS_H_
