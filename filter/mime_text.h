// Header-level MIME decoding for the filter, on GMime 3: RFC 2047 encoded
// words, Content-Type and Content-Disposition with their parameters (RFC
// 2231 continuations and charsets, and the RFC 2047-encoded file names
// that real mailers send).  GMime is used for these and for transfer
// decoding (mime_walk.cc); the part walk itself is ours, because GMime's
// parser builds the whole tree in memory (filter/README.md "GMime").
#ifndef MAILSUITE_FILTER_MIME_TEXT_H_
#define MAILSUITE_FILTER_MIME_TEXT_H_

#include <string>
#include <string_view>

namespace ms::filter {

// The header value with RFC 2047 encoded words decoded to UTF-8.
std::string DecodeHeaderText(std::string_view raw);

struct ContentType {
  std::string type = "text";      // lower case
  std::string subtype = "plain";  // lower case
  std::string boundary;           // multipart: as given (may be empty)
  std::string name;               // the name parameter, decoded
  bool has_boundary = false;
};
ContentType ParseContentType(std::string_view value);
// The filename parameter of a Content-Disposition value, decoded.
std::string DispositionFilename(std::string_view value);

// True when a decoded name holds what can disguise it: C0/C1 control
// characters, DEL, or Unicode bidirectional overrides and isolates
// (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), or invalid UTF-8.
bool HasDeceptiveCharacters(std::string_view utf8);

// True when an encoded word (RFC 2047, B or Q) or an RFC 2231 value in
// raw would decode to a NUL octet.  GMime hands decoded values back as C
// strings, which a NUL would silently cut short ("x\0.exe" read as "x").
bool EncodesNul(std::string_view raw);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_MIME_TEXT_H_
