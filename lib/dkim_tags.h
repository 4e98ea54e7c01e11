// DKIM tag lists (RFC 6376 section 3.2), the syntax of both the
// DKIM-Signature header field and the DNS key record:
//   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
//   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//   tag-name  =  ALPHA *( ALPHA / DIGIT / "_" )
//   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ],  tval = 1*VALCHAR
// VALCHAR is %x21-3A / %x3C-7E; bytes >= 0x80 are accepted too (UTF-8 in
// i=, RFC 8616).  A tag named twice makes the whole list invalid (3.2:
// "Tags with duplicate names MUST NOT occur").  Values are returned with
// their surrounding white space removed, inner FWS kept: each tag's
// reader decides (b=, bh= and p= drop it).  Views point into the input.
#ifndef MAILSUITE_LIB_DKIM_TAGS_H_
#define MAILSUITE_LIB_DKIM_TAGS_H_

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace ms::dkim {

struct Tag {
  std::string_view name;
  std::string_view value;
  // The raw value's place in the parsed text: just after the "=" up to
  // the ";" or the end (3.7: b= is removed "including all surrounding
  // whitespace" for the header hash).
  size_t raw_begin = 0;
  size_t raw_end = 0;
};

class TagList {
 public:
  static Result<TagList> Parse(std::string_view text);
  // The value of name (tag names are case-sensitive), or nullptr.
  const std::string_view* Find(std::string_view name) const;
  const std::vector<Tag>& tags() const { return tags_; }

 private:
  std::vector<Tag> tags_;
};

// FWS, as a DKIM reader sees it: SP, HTAB, CR, LF.
inline bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// text without any FWS (for b=, bh=, p=).
std::string WithoutFws(std::string_view text);
// A colon-separated list (h= of a signature or of a key, s=, t=), each
// element trimmed of FWS; empty elements kept as "".
std::vector<std::string_view> SplitColonList(std::string_view text);

}  // namespace ms::dkim

#endif  // MAILSUITE_LIB_DKIM_TAGS_H_
