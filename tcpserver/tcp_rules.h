// tcpserver's access rules (-x): a cdb compiled by ucspi-tcp's tcprules.
//
// Key: a client address, or a prefix of one ending in '.' (IPv4) or ':'
// (IPv6), or "" for everyone.  Data: NUL-terminated fields; "D" denies
// the connection, "+NAME=VALUE" sets NAME in the program's environment
// (tcprules writes "allow" as no field at all).  The most specific key
// present wins, as in tcpserver: 1.2.3.4, then 1.2.3., 1.2., 1., then "".
#ifndef MAILSUITE_SMTPD_TCP_RULES_H_
#define MAILSUITE_SMTPD_TCP_RULES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.h"

namespace ms::smtpd {

struct TcpRule {
  bool deny = false;
  std::vector<std::pair<std::string, std::string>> environment;  // in file order
};

// The keys tried for a client address, most specific first.
std::vector<std::string> TcpRuleKeys(std::string_view ip);

// Decodes one record's data.  Fields that are neither "D" nor
// "+NAME=VALUE" with a non-empty NAME, and bytes after the last NUL, are
// ignored, as tcpserver ignores them.
TcpRule ParseTcpRule(std::string_view data);

// The rule for ip in the rules cdb open on fd (path names it in errors):
// the first key of TcpRuleKeys that is present; none at all allows with
// no environment.
Result<TcpRule> LookupTcpRule(int fd, const std::string& path, std::string_view ip);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TCP_RULES_H_
