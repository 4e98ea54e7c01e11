#include "log.h"

#include "fd.h"

namespace ms {

static std::string& Program() {
  static std::string program = "mailsuite";
  return program;
}

void SetLogProgram(std::string_view program) { Program() = std::string(program); }

std::string EscapeForLog(std::string_view value) {
  static const char kHex[] = "0123456789abcdef";
  bool quote = value.empty() || value.find_first_of(" \"") != std::string_view::npos;
  std::string out;
  out.reserve(value.size() + 2);
  if (quote) out += '"';
  for (unsigned char c : value) {
    if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else {
      out += static_cast<char>(c);
    }
  }
  if (quote) out += '"';
  return out;
}

LogLine::LogLine(std::string_view event) {
  line_ = Program();
  line_ += ": ";
  line_ += EscapeForLog(event);
}

LogLine& LogLine::Add(std::string_view key, std::string_view value) {
  line_ += ' ';
  line_ += key;
  line_ += '=';
  line_ += EscapeForLog(value);
  return *this;
}

LogLine& LogLine::Add(std::string_view key, long long value) {
  return Add(key, std::string_view(std::to_string(value)));
}

LogLine& LogLine::Add(std::string_view key, unsigned long long value) {
  return Add(key, std::string_view(std::to_string(value)));
}

void LogLine::Emit(int fd) {
  std::string out = line_;
  out += '\n';
  WriteAll(fd, out);
}

}  // namespace ms
