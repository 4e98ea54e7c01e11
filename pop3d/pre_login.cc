#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "become_user.h"
#include "control.h"
#include "log.h"
#include "pop3d/login_checker.h"
#include "paths.h"
#include "pop3d/roles.h"
#include "server_cert.h"
#include "signals.h"
#include "tls.h"
#include "pop3d/tls_transport.h"
#include "text.h"

namespace ms::pop3d {

namespace {

std::string RemoteIp() {
  const char* ip = std::getenv("TCPREMOTEIP");
  return ip ? ip : "unknown";
}

struct PreLoginConfig {
  std::string greeting;
  std::string me;
  int timeout_seconds = 600;
  int fail_delay_ms = 2000;
};

Result<PreLoginConfig> LoadConfig() {
  Control control;
  FirstError errors;
  PreLoginConfig config;
  config.greeting = errors.Take(control.LineOrMe("pop3greeting"), std::string());
  config.me = errors.Take(control.Me(), std::string());
  config.timeout_seconds = static_cast<int>(errors.Take(control.Number("timeoutpop3d", 600, 1, 86400), 600L));
  config.fail_delay_ms = static_cast<int>(errors.Take(control.Number("pop3faildelay", 2000, 0, 60000), 2000L));
  if (errors.failed()) return errors.error();
  // A control file line cannot hold LF, but it can hold CR or other
  // control bytes: they must not end or garble the greeting line.
  for (char& c : config.greeting) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return config;
}

int ConfigFailure(ByteStream& transport, const std::string& why) {
  LogLine("config-error").Add("error", why).Emit();
  transport.Write("-ERR [SYS/TEMP] configuration error, try again later\r\n",
                  Deadline::AfterSeconds(60));
  return kExitConfig;
}

// STLS (RFC 2595): on success the session continues over TLS, with
// nothing the client sent before the handshake kept (CVE-2011-0411).
Outcome StartTls(const Control& control, int timeout_seconds, LineReader& reader, Output& out,
                 std::unique_ptr<TlsStream>* tls, SwitchableStream* transport,
                 LoginChecker* checker) {
  auto ctx = ServerContextFromControl(control);
  Result<std::unique_ptr<TlsStream>> stream = ctx ? TlsStream::Create(ctx->get(), 0, 1)
                                                  : Result<std::unique_ptr<TlsStream>>(ctx.error());
  if (!stream) {
    LogLine("tls").Add("ip", RemoteIp()).Add("result", "unavailable").Add("error", stream.error().message).Emit();
    out.Put("-ERR [SYS/TEMP] TLS not available\r\n");
    return Outcome::kError;
  }
  out.Put("+OK begin TLS negotiation\r\n");
  if (!out.Flush()) return Outcome::kEnd;
  reader.Discard();
  Status handshake = (*stream)->Accept(Deadline::AfterSeconds(timeout_seconds));
  if (!handshake) {
    LogLine("tls").Add("ip", RemoteIp()).Add("result", "failed").Add("error", handshake.error().message).Emit();
    return Outcome::kEnd;
  }
  LogLine("tls").Add("ip", RemoteIp()).Add("result", "ok").Add("version", (*stream)->version())
      .Add("cipher", (*stream)->cipher()).Emit();
  *tls = std::move(*stream);
  transport->set_inner(tls->get());
  checker->set_tls(tls->get());
  return Outcome::kOk;
}

}  // namespace

namespace {

// Started as root with $UID and $GID (the production run script:
// envuidgid, tcpserver without -U): read the TLS key, which is root's
// (lib/server_cert.h), then become that user for good before a byte of
// the client is read.  Without them nothing changes (a test's tcpserver
// as root, or tcpserver -u).
Status TakeDaemonIdentity() {
  const char* uid_text = ::getenv("UID");
  const char* gid_text = ::getenv("GID");
  if (::geteuid() != 0 || uid_text == nullptr || gid_text == nullptr) return Ok{};
  uint32_t uid = 0, gid = 0;
  auto number = [](std::string_view t, uint32_t* v) {
    auto n = ParseDecimal(t, UINT32_MAX);
    if (n) *v = static_cast<uint32_t>(*n);
    return n.has_value();
  };
  if (!number(uid_text, &uid) || !number(gid_text, &gid)) return MakeError("bad $UID or $GID");
  if (Status s = PreloadServerCert(Control()); !s.ok())
    LogLine("tls").Add("result", "unavailable").Add("error", s.error().message).Emit();
  return BecomeUser(uid, gid);
}

}  // namespace

int RunPreLogin(int argc, char** argv) {
  SetLogProgram("mailsuite-pop3d");
  IgnoreSignal(SIGPIPE);
  ImportServerCert();  // from mailsuite-tcpserver (lib/server_cert.h)
  if (Status s = TakeDaemonIdentity(); !s.ok()) {
    LogLine("fatal").Add("what", "user").Add("error", s.error().message).Emit();
    return 111;
  }
  if (argc < 1) {
    LogLine("usage").Add("error", "mailsuite-pop3d checkpassword-program [args...]").Emit();
    return kExitUsage;
  }
  FdStream plain(0, 1);
  SwitchableStream transport(&plain);
  Result<PreLoginConfig> config = LoadConfig();
  if (!config.ok()) return ConfigFailure(transport, config.error().message);
  std::string checker = FindProgram(argv[0]);
  if (checker.empty()) return ConfigFailure(transport, std::string("checker not found: ") + argv[0]);
  std::vector<std::string> command{checker};
  for (int i = 1; i < argc; ++i) command.emplace_back(argv[i]);
  command.push_back(ProgramPath("mailsuite-pop3d"));
  command.push_back("-d");
  command.push_back("-t");
  command.push_back(std::to_string(config->timeout_seconds));
  command.push_back("Maildir");
  std::string timestamp = "<" + std::to_string(getpid()) + "." + std::to_string(time(nullptr)) +
                          "@" + config->me + ">";
  LoginChecker login_checker(std::move(command), std::move(timestamp),
                             config->fail_delay_ms);
  Control control;
  CapabilityOptions capabilities;
  capabilities.stls = ServerCertExists(control);
  LoginSession session(login_checker, capabilities);
  LineReader reader(&transport, /*read_ahead=*/false);
  Output replies(transport, config->timeout_seconds);
  std::unique_ptr<TlsStream> tls;
  session.set_start_tls([&](Output& out) {
    return StartTls(control, config->timeout_seconds, reader, out, &tls, &transport, &login_checker);
  });
  replies.Put("+OK " + config->greeting + "\r\n");
  SessionEnd end = ServeCommands(reader, replies, config->timeout_seconds, session);
  // After a login the post-login role logs the session itself, unless it
  // was killed before it could.
  if (session.logged_in() && login_checker.killed_by() == 0) return 0;
  LogLine line("session");
  line.Add("user", session.last_user()).Add("ip", RemoteIp());
  if (session.logged_in()) {
    line.Add("end", "killed").Add("signal", login_checker.killed_by());
  } else {
    line.Add("login", "none").Add("failures", session.failures()).Add("end", SessionEndName(end));
    if (!login_checker.last_error().empty()) line.Add("error", login_checker.last_error());
  }
  line.Emit();
  return 0;
}

}  // namespace ms::pop3d
