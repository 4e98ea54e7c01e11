// mailsuite-send: the queue scheduler, run under supervise.
//   mailsuite-send            (no arguments; control files and queue from
//                              MAILSUITE_CONTROL / MAILSUITE_QUEUE)
// Exit: 0 after SIGTERM once running deliveries have finished; 111 on a
// fatal problem (supervise restarts it).  See send/README.md.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "become_user.h"
#include "control.h"
#include "local/run.h"
#include "log.h"
#include "paths.h"
#include "queue_layout.h"
#include "send/privilege.h"
#include "send/queue_store.h"
#include "send/scheduler.h"
#include "send/spawner.h"
#include "signals.h"
#include "version.h"

namespace {

int Fatal(const std::string& what, const std::string& reason) {
  ms::LogLine("fatal").Add("what", what).Add("reason", reason).Emit();
  return 111;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-send");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  using namespace ms::send;
  ms::SetLogProgram("mailsuite-send");
  ms::IgnoreSignal(SIGPIPE);
  ms::QueueLayout layout(ms::QueueDir());

  // One scheduler per queue.  Taken before the spawners exist, which
  // close their copies (they never hold it).
  std::string lock_path = layout.send_lock();
  ms::UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CLOEXEC));
  if (!lock.valid()) return Fatal("lock", lock_path + ": " + std::strerror(errno));
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0)
    return Fatal("lock", "another mailsuite-send is running on " + layout.root());

  bool root = ::geteuid() == 0;
  std::optional<Account> scheduler_account, remote_account;
  if (root) {
    auto s = LookupAccount("mailsuite");
    if (!s) return Fatal("user", s.error().message);
    auto r = LookupAccount("msremote");
    if (!r) return Fatal("user", r.error().message);
    scheduler_account = *s;
    remote_account = *r;
  }

  // The local spawner's default delivery is read here, before the
  // scheduler exists, and never comes from it (qmail-start's argument).
  auto default_delivery = ms::Control().Line("defaultdelivery", "./Maildir/");
  if (!default_delivery) return Fatal("control", default_delivery.error().message);

  SpawnerOptions local_options;
  local_options.program = ms::ProgramPath("mailsuite-local");
  local_options.in_process = ms::local::RunLocalDelivery;
  local_options.switch_user = root;
  local_options.looks_up_recipients = true;
  local_options.users_file = ms::UsersFile();
  local_options.default_delivery = *default_delivery;
  auto local = StartSpawner(local_options);
  if (!local) return Fatal("spawner", local.error().message);

  SpawnerOptions remote_options;
  remote_options.program = ms::ProgramPath("mailsuite-remote");
  if (remote_account) remote_options.run_as = std::pair{remote_account->uid, remote_account->gid};
  auto remote = StartSpawner(remote_options);
  if (!remote) return Fatal("spawner", remote.error().message);

  if (scheduler_account) {
    ms::Status s = BecomeAccount(*scheduler_account);
    if (!s) return Fatal("user", s.error().message);
  }

  if (!ms::SignalPipe::Install({SIGTERM, SIGHUP, SIGALRM}))
    return Fatal("signals", std::strerror(errno));

  Scheduler scheduler(QueueStore(layout), ms::Control(), std::move(*local), std::move(*remote));
  if (!scheduler.Configure()) return 111;
  return scheduler.Run();
}
