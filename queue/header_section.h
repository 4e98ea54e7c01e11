// The header section of a message (RFC 5322 section 2.2) as mailsuite-inject
// reads it from a local program: fields with their folded continuation
// lines, ending at an empty line, or at the first line that is neither a
// field nor a continuation (then that line starts the body, as in
// qmail-inject).  Lines end in "\n" (the input was converted already).
#ifndef MAILSUITE_QUEUE_HEADER_SECTION_H_
#define MAILSUITE_QUEUE_HEADER_SECTION_H_

#include <string>
#include <string_view>
#include <vector>

namespace ms::queue {

struct HeaderField {
  std::string name;  // as written
  std::string text;  // the whole field, "Name: value\n" plus continuation lines
  // What follows the colon, continuation lines included.
  std::string_view value() const;
  bool Is(std::string_view other_name) const;  // case-insensitive
};

struct HeaderSection {
  std::vector<HeaderField> fields;
  size_t body_offset = 0;   // where the body starts in the data
  bool blank_line = false;  // the section ended with an empty line (consumed)
  bool complete = false;    // false: the data ended inside the header section
};

// at_eof: no more data will follow, so a last line without "\n" counts.
HeaderSection ParseHeaderSection(std::string_view data, bool at_eof);

// Whether name is an RFC 5322 field name (printable US-ASCII except ':').
bool IsFieldName(std::string_view name);

}  // namespace ms::queue

#endif  // MAILSUITE_QUEUE_HEADER_SECTION_H_
