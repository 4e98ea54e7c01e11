// Reading back the log lines written with ms::LogLine (lib/log.h), as
// multilog stores them:   @4000000069223a4e1c0ffee0 smtpd: event k=v k="v w"
// The TAI64N stamp is optional (stdin may come without it).
#ifndef MAILSUITE_SERVICE_LOG_RECORD_H_
#define MAILSUITE_SERVICE_LOG_RECORD_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ms::setup {

struct LogRecord {
  int64_t unix_time = 0;       // from the TAI64N stamp; 0 when absent
  std::string program;         // "smtpd", "send", ...
  std::string event;           // first word after "program: "
  std::map<std::string, std::string, std::less<>> fields;  // unescaped values

  std::string_view Get(std::string_view key) const;
  // The field as a number; 0 when absent or malformed.
  int64_t Number(std::string_view key) const;
};

// Decodes "@4000000069223a4e1c0ffee0" (TAI64N, 25 chars) to Unix seconds.
std::optional<int64_t> ParseTai64n(std::string_view stamp);
// Parses one line; nullopt for lines that are not LogLine output (e.g.
// tcpserver's own status lines).
std::optional<LogRecord> ParseLogRecord(std::string_view line);

}  // namespace ms::setup

#endif  // MAILSUITE_SERVICE_LOG_RECORD_H_
