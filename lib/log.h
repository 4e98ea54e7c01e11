// Logging: one line per event on fd 2, in a stable format that
// mailsuite-stats parses:
//
//   PROGRAM: EVENT key=value key=value ...
//
// Values are escaped so that nothing a client sends can forge a line or a
// field: bytes below 0x20, 0x7f and above are written \xHH, a backslash as
// \\ ; a value that is empty or holds a space or '"' is written in double
// quotes with '"' escaped as \".  multilog adds the timestamp.
#ifndef MAILSUITE_LIB_LOG_H_
#define MAILSUITE_LIB_LOG_H_

#include <string>
#include <string_view>

namespace ms {

void SetLogProgram(std::string_view program);
std::string EscapeForLog(std::string_view value);

class LogLine {
 public:
  explicit LogLine(std::string_view event);
  LogLine& Add(std::string_view key, std::string_view value);
  LogLine& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
  LogLine& Add(std::string_view key, const std::string& value) { return Add(key, std::string_view(value)); }
  LogLine& Add(std::string_view key, long long value);
  LogLine& Add(std::string_view key, unsigned long long value);
  LogLine& Add(std::string_view key, int value) { return Add(key, static_cast<long long>(value)); }
  LogLine& Add(std::string_view key, long value) { return Add(key, static_cast<long long>(value)); }
  LogLine& Add(std::string_view key, unsigned long value) { return Add(key, static_cast<unsigned long long>(value)); }
  LogLine& Add(std::string_view key, unsigned value) { return Add(key, static_cast<unsigned long long>(value)); }
  const std::string& str() const { return line_; }
  // Writes the line and a newline in one write(2) to fd.
  void Emit(int fd = 2);

 private:
  std::string line_;
};

}  // namespace ms

#endif  // MAILSUITE_LIB_LOG_H_
