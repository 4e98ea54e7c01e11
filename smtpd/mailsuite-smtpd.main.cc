// mailsuite-smtpd: ESMTP receiver run by tcpserver (socket on fd 0/1).
// Protocol, replies and control files: smtpd/README.md.
#include <csignal>
#include <memory>

#include "control.h"
#include "log.h"
#include "signals.h"
#include "smtpd/auth.h"
#include "smtpd/config.h"
#include "smtpd/load_guard.h"
#include "smtpd/session.h"
#include "smtpd/starttls.h"
#include "smtpd/transport.h"

namespace {

constexpr int kExitConfig = 111;

}  // namespace

// argv[1..]: the checkpassword program for AUTH, with its arguments.
int main(int argc, char** argv) {
  using namespace ms::smtpd;
  ms::SetLogProgram("smtpd");
  // A queue program or client that goes away shows up as a write error.
  ms::IgnoreSignal(SIGPIPE);
  FdTransport transport(0, 1);
  ms::Control control;
  auto config = LoadConfig(control, GetEnv);
  auto auth_config = LoadAuthConfig(control, GetEnv, std::vector<std::string>(argv + 1, argv + argc));
  if (config && !auth_config) config = auth_config.error();
  if (!config) {
    transport.Write("421 4.3.0 unable to read controls\r\n", ms::Deadline::AfterSeconds(10));
    ms::LogLine("end").Add("reason", "config").Add("error", config.error().message).Emit();
    return kExitConfig;
  }
  const Config& c = *config;
  if (c.refusela > 0) {
    auto load = CurrentLoadAverage();
    if (load && *load > c.refusela) {
      transport.Write("421 4.3.2 " + c.me + " system overloaded, try again later\r\n",
                      ms::Deadline::AfterSeconds(10));
      ms::LogLine("end").Add("ip", c.remote_ip).Add("reason", "refusela").Emit();
      return 0;
    }
  }
  SessionHooks hooks;
  hooks.queue_has_room = [&c](uint64_t incoming) {
    return QueueHasRoom(c.queue_dir, c.queue_min_free, incoming);
  };
  Session session(
      c, &transport, [&c] { return std::make_unique<QueueProgram>(c.queue_program); }, hooks);
  StartTls starttls(control, 0, 1);
  Auth auth(std::move(*auth_config), &starttls);
  session.add_extension(&starttls);
  session.add_extension(&auth);
  session.Run();
  return 0;
}
