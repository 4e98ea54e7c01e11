// mailsuite-send's control files, read at start and on SIGHUP.
#ifndef MAILSUITE_SEND_CONFIG_H_
#define MAILSUITE_SEND_CONFIG_H_

#include <string>
#include <utility>
#include <vector>

#include "control.h"
#include "result.h"

namespace ms::send {

struct VirtualDomain {
  std::string key;      // "user@domain", "domain", ".domain" or "" (default)
  std::string prepend;  // empty: an exception, deliver remotely
};

inline constexpr long kMaxConcurrency = 200;

struct SendConfig {
  std::string me;
  std::vector<std::string> locals;          // lower case
  std::vector<VirtualDomain> virtualdomains;
  std::vector<std::string> percenthack;     // lower case
  std::string envnoathost;
  std::string bouncefrom = "MAILER-DAEMON";
  std::string bouncehost;
  std::string doublebounceto = "postmaster";
  std::string doublebouncehost;
  long concurrencylocal = 10;
  long concurrencyremote = 20;
  long queuelifetime = 604800;
  long queuescan = 300;
  // RFC 3461 NOTIFY=DELAY: seconds in the queue before a delay notice; 0: never.
  long dsndelay = 14400;
  // qmail's retry constants (RETRY.md): the c of (sqrt(age) + c)^2.
  long retrylocal = 10;
  long retryremote = 20;
};

// Parses virtualdomains lines ("key:prepend"); lines without ':' are
// ignored, as qmail does.  Keys are lower-cased.
std::vector<VirtualDomain> ParseVirtualDomains(const std::vector<std::string>& lines);

Result<SendConfig> LoadSendConfig(const Control& control);

}  // namespace ms::send

#endif  // MAILSUITE_SEND_CONFIG_H_
