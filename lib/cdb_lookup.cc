#include "cdb_lookup.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/stat.h>

extern "C" {
#include <cdb.h>
}

namespace ms {

Result<std::vector<std::string>> CdbLookupFd(int fd, const std::string& path, std::string_view key) {
  // A corrupt cdb could claim a data length of up to 4 GiB: no record can
  // be longer than the file that holds it.
  struct stat st;
  if (::fstat(fd, &st) != 0) return MakeError("unable to stat " + path + ": " + std::strerror(errno));
  // Zeroed: libowfat's cdb_init unmaps c.map first if it is not null, so
  // stack garbage there would unmap a random part of the heap.
  struct cdb c{};
  cdb_init(&c, fd);
  std::vector<std::string> found;
  cdb_findstart(&c);
  for (;;) {
    int r = cdb_findnext(&c, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    if (r < 0) {
      cdb_free(&c);
      return MakeError("unable to read " + path + ": corrupt cdb");
    }
    if (r == 0) break;
    if (cdb_datalen(&c) > static_cast<uint64_t>(st.st_size)) {
      cdb_free(&c);
      return MakeError("unable to read " + path + ": corrupt cdb");
    }
    std::string data(cdb_datalen(&c), '\0');
    if (cdb_read(&c, reinterpret_cast<unsigned char*>(data.data()), data.size(), cdb_datapos(&c)) < 0) {
      cdb_free(&c);
      return MakeError("unable to read " + path + ": corrupt cdb");
    }
    found.push_back(std::move(data));
  }
  cdb_free(&c);
  return found;
}

}  // namespace ms
