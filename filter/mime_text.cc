#include "filter/mime_text.h"

#include "address.h"

#include <gmime/gmime.h>

#include <mutex>

namespace ms::filter {

namespace {

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// A g_free'd string.
std::string Take(char* s) {
  if (!s) return {};
  std::string out(s);
  g_free(s);
  return out;
}

// GMime takes C strings: NUL cuts a value short, which is what a mail
// reader would show anyway.
std::string CString(std::string_view v) { return std::string(v.substr(0, v.find('\0'))); }

}  // namespace

std::string DecodeHeaderText(std::string_view raw) {
  if (raw.find("=?") == std::string_view::npos) return std::string(raw);
  InitGMime();
  std::string in = CString(raw);
  return Take(g_mime_utils_header_decode_text(g_mime_parser_options_get_default(), in.c_str()));
}

ContentType ParseContentType(std::string_view value) {
  InitGMime();
  ContentType out;
  std::string in = CString(value);
  GMimeContentType* ct = g_mime_content_type_parse(g_mime_parser_options_get_default(), in.c_str());
  if (!ct) return out;
  const char* type = g_mime_content_type_get_media_type(ct);
  const char* subtype = g_mime_content_type_get_media_subtype(ct);
  if (type && *type) out.type = LowerCase(type);
  if (subtype && *subtype) out.subtype = LowerCase(subtype);
  if (const char* b = g_mime_content_type_get_parameter(ct, "boundary")) {
    out.boundary = b;
    out.has_boundary = true;
  }
  if (const char* n = g_mime_content_type_get_parameter(ct, "name")) out.name = n;
  g_object_unref(ct);
  return out;
}

std::string DispositionFilename(std::string_view value) {
  InitGMime();
  std::string in = CString(value);
  GMimeContentDisposition* d = g_mime_content_disposition_parse(g_mime_parser_options_get_default(), in.c_str());
  if (!d) return {};
  std::string out;
  if (const char* f = g_mime_content_disposition_get_parameter(d, "filename")) out = f;
  g_object_unref(d);
  return out;
}

bool HasDeceptiveCharacters(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return true;
    uint32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return true;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < 0xa0) return true;  // C1 controls (and overlong forms)
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
        cp == 0x200f || cp == 0x061c)
      return true;
    i += len;
  }
  return false;
}

bool EncodesNul(std::string_view raw) {
  if (raw.find("%00") != std::string_view::npos && raw.find("*=") != std::string_view::npos) return true;
  size_t at = 0;
  while ((at = raw.find("=?", at)) != std::string_view::npos) {
    size_t q1 = raw.find('?', at + 2);
    if (q1 == std::string_view::npos || q1 + 2 >= raw.size() || raw[q1 + 2] != '?') return false;
    char kind = raw[q1 + 1];
    size_t end = raw.find("?=", q1 + 3);
    if (end == std::string_view::npos) return false;
    std::string payload(raw.substr(q1 + 3, end - q1 - 3));
    std::string out(payload.size() + 4, '\0');
    size_t n = 0;
    if (kind == 'B' || kind == 'b') {
      int state = 0;
      guint32 save = 0;
      n = g_mime_encoding_base64_decode_step(reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                                             reinterpret_cast<unsigned char*>(out.data()), &state, &save);
    } else if (kind == 'Q' || kind == 'q') {
      for (char& c : payload)
        if (c == '_') c = ' ';
      int state = 0;
      guint32 save = 0;
      n = g_mime_encoding_quoted_decode_step(reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                                             reinterpret_cast<unsigned char*>(out.data()), &state, &save);
    }
    if (std::string_view(out.data(), n).find('\0') != std::string_view::npos) return true;
    at = end + 2;
  }
  return false;
}

}  // namespace ms::filter
