#include "filter/top_header.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ms::filter {

Result<TopHeader> ReadTopHeader(int fd, uint64_t size, size_t max_bytes) {
  std::string text;
  size_t want = size < max_bytes ? static_cast<size_t>(size) : max_bytes;
  text.resize(want);
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd, text.data() + got, want - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{std::string("reading the spool: ") + std::strerror(errno)};
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  TopHeader header;
  header.section = queue::ParseHeaderSection(text, got == size);
  if (!header.section.complete)
    return Error{"header section longer than " + std::to_string(max_bytes) + " bytes"};
  header.end = header.section.body_offset;
  return header;
}

std::string Unfolded(const queue::HeaderField& field) {
  std::string out;
  for (char c : field.value())
    if (c != '\r' && c != '\n') out += c;
  return out;
}

}  // namespace ms::filter
