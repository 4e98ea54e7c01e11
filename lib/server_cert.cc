#include "server_cert.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fd.h"
#include "text.h"
#include "tls.h"

namespace ms {

namespace {

constexpr const char* kVariable = "MAILSUITE_SERVERCERT_FD";
// The largest servercert.pem we carry (a key and a long chain are ~10 KiB).
constexpr size_t kMaxPem = 1 << 20;

std::string* preloaded = nullptr;  // lives as long as the process

}  // namespace

Status PreloadServerCert(const Control& control) {
  std::string path = ServerCertPath(control);
  if (::access(path.c_str(), F_OK) != 0) return Ok{};
  auto text = ReadFile(path);
  if (!text) return MakeError("unable to read " + path + ": " + text.error().message);
  if (text->size() > kMaxPem) return MakeError(path + " is too large");
  preloaded = new std::string(std::move(*text));
  return Ok{};
}

void ImportServerCert() {
  const char* value = ::getenv(kVariable);
  if (value == nullptr) return;
  auto parsed = ParseDecimal(value, INT32_MAX);
  ::unsetenv(kVariable);  // value is not used after this
  if (!parsed || *parsed < 3) return;
  int fd = static_cast<int>(*parsed);
  std::string text;
  char buf[8192];
  ssize_t n;
  while (text.size() <= kMaxPem && (n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0)
    text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (!text.empty() && text.size() <= kMaxPem) preloaded = new std::string(std::move(text));
}

const std::string* PreloadedServerCert() { return preloaded; }

void ExportServerCertForExec() {
  if (preloaded == nullptr) return;
  int fd = ::memfd_create("servercert", MFD_ALLOW_SEALING);  // no CLOEXEC: for the exec
  if (fd < 0) return;
  if (!WriteAll(fd, *preloaded) ||
      ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    ::close(fd);
    return;
  }
  ::setenv(kVariable, std::to_string(fd).c_str(), 1);
}

}  // namespace ms
