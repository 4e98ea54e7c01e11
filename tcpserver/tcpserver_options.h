// mailsuite-tcpserver's command line: ucspi-tcp tcpserver's, for the
// options an SMTP service uses (TCPSERVER.md).
//
//   mailsuite-tcpserver [-1qQvRHdD] [-c limit] [-b backlog] [-x rules.cdb] [-X]
//                       [-u uid] [-g gid] [-U] [-l localname] host port program [arg ...]
#ifndef MAILSUITE_SMTPD_TCPSERVER_OPTIONS_H_
#define MAILSUITE_SMTPD_TCPSERVER_OPTIONS_H_

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "result.h"

namespace ms::smtpd {

struct TcpServerOptions {
  unsigned limit = 40;             // -c: most simultaneous connections
  int backlog = 20;                // -b: listen(2) backlog
  std::string rules;               // -x: tcprules cdb; empty: everyone allowed
  bool rules_may_be_missing = false;  // -X
  std::optional<uid_t> uid;        // -u, or $UID with -U
  std::optional<gid_t> gid;        // -g, or $GID with -U
  std::string local_host;          // -l: TCPLOCALHOST; empty: left unset
  int verbosity = 1;               // -q 0, -Q 1, -v 2
  bool print_port = false;         // -1: the bound port on stdout
  std::string host;                // an IP address; "0" is every IPv4 address
  uint16_t port = 0;               // 0: the kernel picks (see -1)
  std::vector<std::string> program;  // argv of what runs per connection
};

// Parses argv[1..] (args excludes argv[0]).  getenv supplies $UID/$GID for
// -U.  A bad or unsupported option is an Error whose message is meant
// for the operator.
Result<TcpServerOptions> ParseTcpServerOptions(const std::vector<std::string>& args,
                                               const std::function<const char*(const char*)>& getenv);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_TCPSERVER_OPTIONS_H_
