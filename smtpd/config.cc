#include "smtpd/config.h"

#include "dsn_params.h"

#include <cstdlib>

#include "paths.h"
#include "smtpd/spf_gate.h"
#include "text.h"
#include "version.h"

namespace ms::smtpd {

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

namespace {

// refusela may be fractional ("7.5"), like a load average.
Result<double> LoadAverageLimit(const Control& control) {
  auto line = control.Line("refusela", "");
  if (!line) return line.error();
  if (line->empty()) return 0.0;
  char* end = nullptr;
  double value = std::strtod(line->c_str(), &end);
  if (end == line->c_str() || *end != '\0' || !(value >= 0) || value > 1e6)
    return MakeError("control file " + control.PathOf("refusela") + ": not a load average: " + *line);
  return value;
}

}  // namespace

bool GreetingShowsVersion(std::string_view greeting) {
  size_t i = 0;
  while (i < greeting.size()) {
    while (i < greeting.size() && (greeting[i] == ' ' || greeting[i] == '\t')) ++i;
    size_t end = greeting.find_first_of(" \t", i);
    if (end == std::string_view::npos) end = greeting.size();
    if (end > i && EqualsIgnoringCase(greeting.substr(i, end - i), "mailsuite")) return true;
    i = end;
  }
  return false;
}

Result<Config> LoadConfig(const Control& control, const EnvGetter& env) {
  Config c;
  auto me = control.Me();
  if (!me) return me.error();
  c.me = *me;
  auto greeting = control.Line("smtpgreeting", c.me);
  if (!greeting) return greeting.error();
  c.greeting = *greeting;
  if (GreetingShowsVersion(c.greeting)) c.received_version = std::string("mailsuite ") + Version();
  auto localiphost = control.Line("localiphost", c.me);
  if (!localiphost) return localiphost.error();
  auto databytes = control.Number("databytes", 0, 0, 1L << 50);
  if (!databytes) return databytes.error();
  c.databytes = static_cast<uint64_t>(*databytes);
  // The plain numbers: name, default, range, where it goes.
  auto NumberInto = [&control](const char* name, long fallback, long min, long max, long* out) -> Status {
    auto value = control.Number(name, fallback, min, max);
    if (!value) return value.error();
    *out = *value;
    return Ok{};
  };
  for (Status s : {NumberInto("maxrcpt", 0, 0, 1000000, &c.maxrcpt),
                   NumberInto("timeoutsmtpd", 1200, 1, 86400, &c.timeout_seconds),
                   NumberInto("timeoutstress", 10, 1, 86400, &c.timeout_stress_seconds),
                   NumberInto("maxerrors", 20, 0, 1000000, &c.max_errors),
                   NumberInto("tarpitcount", 0, 0, 1000000, &c.tarpit_count),
                   NumberInto("tarpitdelay", 5, 0, 600, &c.tarpit_delay_seconds),
                   NumberInto("greetdelay", 0, 0, 300000, &c.greet_delay_ms)}) {
    if (!s.ok()) return s.error();
  }
  auto spf_behavior = LoadSpfBehavior(control, env("SPFBEHAVIOR"));
  if (!spf_behavior) return spf_behavior.error();
  c.spf_behavior = *spf_behavior;
  auto smtputf8 = control.Number("smtputf8", 1, 0, 1);
  if (!smtputf8) return smtputf8.error();
  c.smtputf8 = *smtputf8 == 1;
  auto refusela = LoadAverageLimit(control);
  if (!refusela) return refusela.error();
  c.refusela = *refusela;
  auto minfree = control.Number("queueminfree", static_cast<long>(kDefaultQueueMinFree), 0, 1L << 60);
  if (!minfree) return minfree.error();
  c.queue_min_free = static_cast<uint64_t>(*minfree);

  RelayConfig& r = c.relay;
  for (auto [name, list] : {std::pair{"rcpthosts", &r.rcpthosts}, std::pair{"percenthack", &r.percenthack},
                            std::pair{"badrcptto", &r.badrcptto}, std::pair{"badmailfrom", &r.badmailfrom}}) {
    auto lines = control.Lines(name);
    if (!lines) return lines.error();
    *list = std::move(*lines);
  }
  r.me = c.me;
  r.localiphost = *localiphost;
  r.local_ip = env("TCPLOCALIP").value_or("");
  r.relayclient = env("RELAYCLIENT");
  Control copy = control;
  r.more_rcpthosts = [copy](std::string_view key) -> std::optional<bool> {
    auto found = copy.CdbContains("morercpthosts.cdb", key);
    if (!found) return std::nullopt;
    return *found;
  };

  c.remote_ip = env("TCPREMOTEIP").value_or("unknown");
  c.remote_host = env("TCPREMOTEHOST").value_or("");
  c.queue_dir = QueueDir();
  auto qq = env("QMAILQUEUE");
  c.queue_program = qq && !qq->empty() ? *qq : ProgramPath("mailsuite-queue");
  c.dsn = QueueProgramKeepsDsn(c.queue_program);
  return c;
}

}  // namespace ms::smtpd
