#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "control.h"
#include "log.h"
#include "login_checker.h"
#include "paths.h"
#include "roles.h"
#include "signals.h"

namespace ms::pop3d {

namespace {

std::string RemoteIp() {
  const char* ip = std::getenv("TCPREMOTEIP");
  return ip ? ip : "unknown";
}

}  // namespace

int RunPreLogin(int argc, char** argv) {
  SetLogProgram("mailsuite-pop3d");
  IgnoreSignal(SIGPIPE);
  FdTransport transport(0, 1);
  Output out(transport, 60);
  if (argc < 1) {
    LogLine("usage").Add("error", "mailsuite-pop3d checkpassword-program [args...]").Emit();
    return kExitUsage;
  }
  Control control;
  Result<std::string> greeting = control.LineOrMe("pop3greeting");
  Result<std::string> me = control.Me();
  Result<long> timeout = control.Number("timeoutpop3d", 600, 1, 86400);
  Result<long> fail_delay = control.Number("pop3faildelay", 2000, 0, 60000);
  for (const Error* e : {greeting.ok() ? nullptr : &greeting.error(),
                         me.ok() ? nullptr : &me.error(),
                         timeout.ok() ? nullptr : &timeout.error(),
                         fail_delay.ok() ? nullptr : &fail_delay.error()}) {
    if (e == nullptr) continue;
    LogLine("config-error").Add("error", e->message).Emit();
    out.Put("-ERR [SYS/TEMP] configuration error, try again later\r\n");
    out.Flush();
    return kExitConfig;
  }
  std::string checker = FindProgram(argv[0]);
  if (checker.empty()) {
    LogLine("config-error").Add("error", std::string("checker not found: ") + argv[0]).Emit();
    out.Put("-ERR [SYS/TEMP] configuration error, try again later\r\n");
    out.Flush();
    return kExitConfig;
  }
  std::vector<std::string> command{checker};
  for (int i = 1; i < argc; ++i) command.emplace_back(argv[i]);
  command.push_back(ProgramPath("mailsuite-pop3d"));
  command.push_back("-d");
  command.push_back("-t");
  command.push_back(std::to_string(*timeout));
  command.push_back("Maildir");
  std::string timestamp = "<" + std::to_string(getpid()) + "." + std::to_string(time(nullptr)) +
                          "@" + *me + ">";
  LoginChecker login_checker(std::move(command), std::move(timestamp),
                             static_cast<int>(*fail_delay));
  LoginSession session(login_checker, CapabilityOptions{});
  LineReader reader(transport, /*read_ahead=*/false);
  Output replies(transport, static_cast<int>(*timeout));
  // A control file line cannot hold LF, but it can hold CR or other
  // control bytes: they must not end or garble the greeting line.
  for (char& c : *greeting) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  replies.Put("+OK " + *greeting + "\r\n");
  SessionEnd end = ServeCommands(reader, replies, static_cast<int>(*timeout), session);
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
