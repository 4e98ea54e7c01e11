#include "local/dot_search.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "local/dot_file.h"
#include "fd.h"

namespace ms::local {
namespace {

constexpr const char* kPrefixes[] = {".mailsuite", ".qmail"};

std::string SafeExt(std::string_view ext) {
  std::string s(ext);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '.') c = ':';
    if (c == '/') c = ':';  // never a path separator inside a file name
  }
  return s;
}

Error Temporary(const std::string& name, std::string_view what) {
  return MakeError("Uh-oh: " + name + " " + std::string(what) + ". (#4.7.0)", 111);
}

}  // namespace

std::vector<DotCandidate> DotFileCandidates(std::string_view dash, std::string_view ext) {
  std::string safe = SafeExt(ext);
  std::vector<DotCandidate> out;
  auto add = [&](const std::string& suffix, bool is_default, std::string_view part) {
    for (const char* prefix : kPrefixes) out.push_back({prefix + suffix, is_default, std::string(part)});
  };
  std::string exact = std::string(dash) + safe;
  bool exact_is_default = safe.size() >= 7 && safe.compare(safe.size() - 7, 7, "default") == 0;
  add(exact, exact_is_default, exact_is_default ? ext.substr(safe.size() - 7) : std::string_view());
  if (dash.empty()) return out;
  for (size_t i = safe.size() + 1; i-- > 0;) {
    if (i != 0 && safe[i - 1] != '-') continue;
    std::string suffix = std::string(dash) + safe.substr(0, i) + "default";
    if (suffix == exact) continue;
    add(suffix, true, ext.substr(i));
  }
  return out;
}

Result<FoundDotFile> FindDotFile(std::string_view dash, std::string_view ext) {
  FoundDotFile found;
  for (auto& candidate : DotFileCandidates(dash, ext)) {
    // Symlinked dot files are a qmail convention (.qmail-a -> .qmail-b):
    // follow them, and judge the file they point to.
    UniqueFd fd(::open(candidate.name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      return Temporary(candidate.name, std::string("cannot be opened: ") + std::strerror(errno));
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return Temporary(candidate.name, "cannot be examined");
    if (!S_ISREG(st.st_mode)) continue;  // as qmail: only regular files count
    if (st.st_mode & (S_IWGRP | S_IWOTH)) return Temporary(candidate.name, "is group- or world-writable");
    if (st.st_uid != ::geteuid() && st.st_uid != 0) return Temporary(candidate.name, "is owned by another user");
    if (static_cast<size_t>(st.st_size) > kMaxDotFileSize) return Temporary(candidate.name, "is too large");
    // One byte more than fstat said, to notice a file that grows while
    // we read it (the user is editing it: try again later).
    std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
    size_t got = 0;
    while (got < text.size()) {
      ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Temporary(candidate.name, std::string("cannot be read: ") + std::strerror(errno));
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    if (got == text.size()) return Temporary(candidate.name, "changed while it was read");
    text.resize(got);
    found.found = true;
    found.forward_only = (st.st_mode & S_IXUSR) != 0;
    found.candidate = std::move(candidate);
    found.text = std::move(text);
    return found;
  }
  return found;
}

bool OwnerDotFileExists(std::string_view dash, std::string_view ext) {
  std::string suffix = std::string(dash) + SafeExt(ext) + "-owner";
  for (const char* prefix : kPrefixes) {
    struct stat st;
    if (::stat((prefix + suffix).c_str(), &st) == 0 && S_ISREG(st.st_mode)) return true;
  }
  return false;
}

}  // namespace ms::local
