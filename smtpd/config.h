// Everything a session needs from control files and tcpserver's
// environment, read once at connection start.
#ifndef MAILSUITE_SMTPD_CONFIG_H_
#define MAILSUITE_SMTPD_CONFIG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "control.h"
#include "result.h"
#include "smtpd/relay_policy.h"

namespace ms::smtpd {

// Hard bounds that hold even when the operator sets no limit.
inline constexpr size_t kMaxCommandLine = 512;         // RFC 5321 4.5.3.1.4, CRLF included
inline constexpr uint64_t kMaxHeaderBytes = 102400;    // header section, as Postfix's header_size_limit
inline constexpr long kHardMaxRcpt = 1000;             // recipients per message when maxrcpt is 0
// qmail-smtpd's MAXHOPS: more Received: plus Delivered-To: lines than this
// and the message is looping.
inline constexpr uint64_t kMaxHops = 100;
// Decoded message bytes (DATA or BDAT) go to the sink in chunks of this
// size, so memory stays flat whatever the message size.
inline constexpr size_t kSinkChunk = 65536;
inline constexpr uint64_t kDefaultQueueMinFree = 16u << 20;  // queueminfree default, bytes

struct Config {
  std::string me;
  std::string greeting;
  // The version named in Received lines; empty (the default) hides it.
  // Set only when smtpgreeting names the software (GreetingShowsVersion).
  std::string received_version;
  uint64_t databytes = 0;        // 0: no limit
  long maxrcpt = 0;              // 0: kHardMaxRcpt
  long timeout_seconds = 1200;
  long timeout_stress_seconds = 10;  // timeoutstress: a command wait under stress (stress_mode.h)
  long tarpit_count = 0;         // tarpitcount: RCPTs per session before the tarpit; 0: never
  long tarpit_delay_seconds = 5; // tarpitdelay: the wait before each further RCPT's reply
  long greet_delay_ms = 0;       // greetdelay: silence required before the greeting; 0: none
  long max_errors = 20;          // maxerrors: 500-504 replies per session; 0: no limit
  long spf_behavior = 0;         // spfbehavior / $SPFBEHAVIOR (smtpd/spf_gate.h)
  // control/smtputf8 (default 1 there): offer SMTPUTF8 (RFC 6531).  Off
  // in a Config built in code, so a test states that it wants it.
  bool smtputf8 = false;
  double refusela = 0;           // 0: never refuse
  uint64_t queue_min_free = kDefaultQueueMinFree;
  std::string queue_dir;
  std::string queue_program;
  // DSN (RFC 3461) is offered only when the queue program keeps the DSN
  // envelope records (lib/dsn_params.h QueueProgramKeepsDsn).
  bool dsn = true;
  std::string remote_ip;
  std::string remote_host;
  RelayConfig relay;
};

// Whether the operator's smtpgreeting discloses the software, so that
// Received lines may name its version: true only when control/smtpgreeting
// contains the word "mailsuite" (a blank-separated word, any case).  The
// default greeting (me) and any greeting without that word hide it.
bool GreetingShowsVersion(std::string_view greeting);

using EnvGetter = std::function<std::optional<std::string>(const char* name)>;

// The process environment (getenv).
std::optional<std::string> GetEnv(const char* name);

Result<Config> LoadConfig(const Control& control, const EnvGetter& env);

}  // namespace ms::smtpd

#endif  // MAILSUITE_SMTPD_CONFIG_H_
