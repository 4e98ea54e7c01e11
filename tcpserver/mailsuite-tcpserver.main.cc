// mailsuite-tcpserver: tcpserver for mailsuite-smtpd without an exec per
// connection.  Options, environment and privilege: tcpserver/TCPSERVER.md.
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "become_user.h"
#include "control.h"
#include "fd.h"
#include "log.h"
#include "paths.h"
#include "server_cert.h"
#include "tcpserver/filter_pool_start.h"
#include "tcpserver/qmqpd_connection.h"
#include "tcpserver/smtpd_worker.h"
#include "tcpserver/smtpd_worker_pool.h"
#include "tcpserver/tcp_connection.h"
#include "tcpserver/tcp_listener.h"
#include "tcpserver/tcpserver_identity.h"
#include "tcpserver/tcpserver_options.h"
#include "version.h"

namespace {

constexpr int kExitUsage = 100;
constexpr int kExitFatal = 111;

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-tcpserver");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  using namespace ms::smtpd;
  ms::SetLogProgram("mailsuite-tcpserver");
  auto options = ParseTcpServerOptions(std::vector<std::string>(argv + 1, argv + argc),
                                       [](const char* name) { return std::getenv(name); });
  if (!options) {
    ms::WriteAll(2, "mailsuite-tcpserver: " + options.error().message + "\n");
    return kExitUsage;
  }
  const bool in_process = IsOurSmtpd(options->program.front());
  // Our mailsuite-qmqpd runs in the connection's child too (forked per
  // connection, with a leased queue helper: TCPSERVER.md "QMQP").
  const bool qmqpd_in_process = !in_process && IsOurProgram(options->program.front(), "mailsuite-qmqpd");
  // Client limits (TCPSERVER.md "Connection limits"), read once at start.
  ConnectionPolicy policy;
  unsigned max_use = 1;
  {
    ms::Control control;
    auto max_per_ip = control.Number("maxperip", 20, 0, 1000000);
    auto rate = control.Number("ratelimit", 0, 0, 1000000);
    // Connections one pooled session worker serves (SMTPD_WORKERS.md);
    // 1: a process forked for each connection, as before the pool.
    auto use = control.Number("smtpdmaxuse", 100, 1, 1000000);
    if (!max_per_ip || !rate || !use) {
      ms::LogLine("fatal").Add("what", "control")
          .Add("error", (!max_per_ip ? max_per_ip : !rate ? rate : use).error().message).Emit();
      return kExitFatal;
    }
    max_use = static_cast<unsigned>(*use);
    // QMQP's clients are the site's own hosts, admitted by the rules cdb
    // alone (qmqp/QMQP.md): one busy application server may hold many
    // sessions at once, and an SMTP 421 is no QMQP answer; -c bounds them.
    policy.max_per_ip = qmqpd_in_process ? 0 : static_cast<unsigned>(*max_per_ip);
    policy.rate_per_minute = qmqpd_in_process ? 0 : static_cast<unsigned>(*rate);
    policy.signal_stress = in_process;
    policy.pop3 = IsOurProgram(options->program.front(), "mailsuite-pop3d");
  }
  auto listener = BindListener(options->host, options->port, options->backlog);
  if (!listener) {
    ms::LogLine("fatal").Add("what", "bind").Add("error", listener.error().message).Emit();
    return kExitFatal;
  }
  // The filter's workers (filter/FILTER_POOL.md) become msfilter from
  // root: started before the key is read and before the switch below.
  ms::UniqueFd filter_pool = in_process ? StartFilterPool(options->limit) : ms::UniqueFd();
  // The TLS key is root's (lib/server_cert.h): read it before the switch;
  // the sessions inherit the text, an exec'd program gets it by memfd.
  if (::geteuid() == 0) {
    if (auto s = ms::PreloadServerCert(ms::Control()); !s.ok())
      ms::LogLine("alert").Add("what", "tls").Add("error", s.error().message).Emit();
  }
  if (auto s = TakeServerIdentity(*options, ms::QueueDir() + "/tmp"); !s.ok()) {
    ms::LogLine("fatal").Add("what", "user").Add("error", s.error().message).Emit();
    return kExitFatal;
  }
  const uint16_t port = BoundPort(listener->get());
  if (options->print_port) ms::WriteAll(1, std::to_string(port) + "\n");
  if (options->verbosity >= 1) {
    ms::LogLine listening("listening");
    listening.Add("ip", options->host)
        .Add("port", static_cast<unsigned>(port))
        .Add("limit", options->limit)
        .Add("smtpd", in_process ? (max_use > 1 ? "workers" : "in-process") : "exec");
    if (qmqpd_in_process) listening.Add("qmqpd", "in-process");
    listening.Emit();
  }
  // Queue helpers serve one in-process session after another: smtpd's own
  // queueing without QMAILQUEUE, or, with the filter pool, the workers'
  // hand-off of accepted messages (filter/FILTER_POOL.md); not for any
  // other content filter set here (smtpd would not use them).
  const char* filter = std::getenv("QMAILQUEUE");
  std::unique_ptr<QueueHelperPool> pool;
  if ((in_process || qmqpd_in_process) && (filter == nullptr || *filter == '\0' || filter_pool.valid()))
    pool = QueueHelperPool::Create(ms::QueueDir(), options->limit);
  std::unique_ptr<SmtpdWorkerPool> workers;
  if (in_process && max_use > 1)
    workers = std::make_unique<SmtpdWorkerPool>(options->limit, max_use, filter_pool.valid() ? filter_pool.get() : -1,
                                                [&] { RunSmtpdWorker(*options, max_use); });
  return RunAcceptLoop(listener->get(), options->limit, options->verbosity, pool.get(), policy,
                       [&](int fd, int helper) {
                         if (qmqpd_in_process) ServeQmqpConnection(fd, *options, helper);
                         ServeConnection(fd, *options, in_process, helper, filter_pool.get());
                       },
                       workers.get(), filter_pool.valid() ? filter_pool.get() : -1);
}
