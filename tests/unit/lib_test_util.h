// Helpers shared by the unit tests: a private temporary directory and a
// scoped environment variable.
#ifndef MAILSUITE_TESTS_UNIT_LIB_TEST_UTIL_H_
#define MAILSUITE_TESTS_UNIT_LIB_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "fd.h"

namespace ms::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ms-unit-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }
  // Writes name (binary-exact) and returns its path.
  std::string Write(std::string_view name, std::string_view content) const {
    std::string p = *this / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(content.data(), content.size());
    return p;
  }
  std::string Read(std::string_view name) const {
    std::ifstream in(*this / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string path_;
};

// Sets (or unsets, for nullopt) an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The read end of a pipe that holds data and then end of file.
inline UniqueFd PipeWith(std::string_view data) {
  UniqueFd r, w;
  if (!MakePipe(&r, &w) || !WriteAll(w.get(), data)) return UniqueFd();
  return r;
}

}  // namespace ms::test

#endif  // MAILSUITE_TESTS_UNIT_LIB_TEST_UTIL_H_
