// SpamAssassin's spamd, SPAMC/1.5 protocol, command SYMBOLS:
//
//   SYMBOLS SPAMC/1.5\r\n Content-length: N\r\n User: U\r\n \r\n <message>
//
// answered by "SPAMD/1.1 0 EX_OK\r\n", headers among which
// "Spam: True ; 1000.0 / 5.0" (verdict, score, spamd's own threshold),
// an empty line and the comma-separated names of the rules that hit.
#ifndef MAILSUITE_FILTER_SPAMD_CLIENT_H_
#define MAILSUITE_FILTER_SPAMD_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "deadline.h"

namespace ms::filter {

struct SpamResult {
  bool ok = false;
  std::string error;
  bool spam = false;      // score >= spamd's threshold
  double score = 0;
  double threshold = 0;
  std::string symbols;
};

// Messages larger than this are not sent (spamc's default limit, 500 KB).
inline constexpr uint64_t kSpamdMaxSize = 512000;

SpamResult SpamdCheck(std::string_view spec, int fd, uint64_t len, const Deadline& deadline);
SpamResult ParseSpamdReply(std::string_view reply);

}  // namespace ms::filter

#endif  // MAILSUITE_FILTER_SPAMD_CLIENT_H_
