// A throw-away Maildir for the pop3d unit tests.
#ifndef MAILSUITE_TESTS_UNIT_POP3D_TEST_MAILDIR_H_
#define MAILSUITE_TESTS_UNIT_POP3D_TEST_MAILDIR_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

class TestMaildir {
 public:
  TestMaildir() {
    char tmpl[] = "/tmp/pop3d-unit-XXXXXX";
    path_ = ::mkdtemp(tmpl);
    for (const char* d : {"new", "cur", "tmp"}) std::filesystem::create_directory(path_ + "/" + d);
  }
  ~TestMaildir() { std::filesystem::remove_all(path_); }
  TestMaildir(const TestMaildir&) = delete;
  TestMaildir& operator=(const TestMaildir&) = delete;

  const std::string& path() const { return path_; }
  void Add(const std::string& relative, const std::string& content) const {
    std::ofstream(path_ + "/" + relative, std::ios::binary) << content;
  }
  bool Exists(const std::string& relative) const {
    return std::filesystem::exists(path_ + "/" + relative);
  }
  int OpenDir() const { return ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

 private:
  std::string path_;
};

#endif  // MAILSUITE_TESTS_UNIT_POP3D_TEST_MAILDIR_H_
