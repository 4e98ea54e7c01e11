#include "smtpd/smtpd_main.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>

#include <cerrno>

#include <csignal>
#include <memory>

#include "become_user.h"
#include "byte_stream.h"
#include "control.h"
#include "log.h"
#include "paths.h"
#include "server_cert.h"
#include "signals.h"
#include "smtpd/auth.h"
#include "smtpd/config.h"
#include "smtpd/filter_worker_sink.h"
#include "smtpd/load_guard.h"
#include "smtpd/queue_helper.h"
#include "smtpd/session.h"
#include "smtpd/starttls.h"
#include "smtpd/stress_mode.h"

namespace ms::smtpd {
namespace {

constexpr int kExitConfig = 111;

}  // namespace

int RunSmtpd(int argc, char** argv, int helper_socket, int filter_socket, const HelperLease* lease) {
  KeepMemoryPrivate();  // passwords (AUTH), the TLS key, mail (lib/become_user.h)
  ImportServerCert();   // from mailsuite-tcpserver through rblsmtpd (lib/server_cert.h)
  ::prctl(PR_SET_NAME, "mailsuite-smtpd", 0, 0, 0);  // in-process under mailsuite-tcpserver too
  SetLogProgram("smtpd");
  // Before anything reads the network or the environment's settings: the
  // queue helper is forked with the queue owner's identity (set-uid
  // install) and this process gives that identity up for good.  With a
  // content filter ($QMAILQUEUE) every message goes through it instead.
  QueueHelper helper;
  UniqueFd pooled(helper_socket);  // closed unused under a content filter
  UniqueFd filter_pool(filter_socket);
  // Never inherited by a queue program.
  if (filter_pool.valid()) ::fcntl(filter_pool.get(), F_SETFD, FD_CLOEXEC);
  const char* filter = ::getenv("QMAILQUEUE");
  const bool wants_helper = filter == nullptr || *filter == '\0';
  if (wants_helper && lease == nullptr) {
    if (!pooled.valid() || !helper.Adopt(std::move(pooled))) helper.Start(ms::QueueDir());
  }
  if (!DropSetUidIdentity()) {
    LogLine("end").Add("reason", "setuid").Add("error", "unable to drop the set-uid identity").Emit();
    return kExitConfig;
  }
  // A queue program or client that goes away shows up as a write error.
  IgnoreSignal(SIGPIPE);
  FdStream transport(0, 1);
  Control control;
  auto config = LoadConfig(control, GetEnv);
  auto auth_config = LoadAuthConfig(control, GetEnv, std::vector<std::string>(argv + 1, argv + argc));
  if (config && !auth_config) config = auth_config.error();
  if (!config) {
    transport.Write("421 4.3.0 unable to read controls\r\n", Deadline::AfterSeconds(10));
    LogLine("end").Add("reason", "config").Add("error", config.error().message).Emit();
    return kExitConfig;
  }
  const Config& c = *config;
  if (c.refusela > 0) {
    auto load = CurrentLoadAverage();
    if (load && *load > c.refusela) {
      transport.Write("421 4.3.2 " + c.me + " system overloaded, try again later\r\n",
                      Deadline::AfterSeconds(10));
      LogLine("end").Add("ip", c.remote_ip).Add("reason", "refusela").Emit();
      return 0;
    }
  }
  SessionHooks hooks;
  hooks.under_stress = UnderStress;
  hooks.wait_readable = [](const Deadline& deadline) {
    struct pollfd p = {0, POLLIN, 0};
    int r = ::poll(&p, 1, deadline.PollTimeout());
    if (r > 0) return IdleWait::kReady;  // POLLHUP/POLLERR too: the read reports it
    if (r == 0) return IdleWait::kTimeout;
    return errno == EINTR ? IdleWait::kInterrupted : IdleWait::kReady;
  };
  bool leased = false;
  if (wants_helper && lease != nullptr) {
    // Once per session: a helper that dies later is not replaced (the
    // queue program is exec'd, as for a session's own helper).
    hooks.transaction_started = [&helper, &leased, lease] {
      if (leased) return;
      leased = true;
      if (UniqueFd socket = (*lease)(); socket.valid()) helper.Adopt(std::move(socket));
    };
  }
  hooks.queue_has_room = [&c](uint64_t incoming) {
    return QueueHasRoom(c.queue_dir, c.queue_min_free, incoming);
  };
  auto sink = [&c, &helper, &filter_pool]() -> std::unique_ptr<MessageSink> {
    if (helper.Alive()) return std::make_unique<HelperQueue>(&helper);
    if (filter_pool.valid())
      return std::make_unique<FilterWorkerQueue>(&filter_pool, c.remote_ip, c.queue_program, c.timeout_seconds);
    return std::make_unique<QueueProgram>(c.queue_program, c.timeout_seconds);
  };
  Session session(c, &transport, sink, hooks);
  StartTls starttls(control, 0, 1);
  Auth auth(std::move(*auth_config), &starttls);
  session.add_extension(&starttls);
  session.add_extension(&auth);
  session.Run();
  return 0;
}

}  // namespace ms::smtpd
