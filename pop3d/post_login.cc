#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "pop3d/command.h"
#include "log.h"
#include "pop3d/mailbox_lock.h"
#include "pop3d/roles.h"
#include "signals.h"
#include "pop3d/transaction_session.h"

namespace ms::pop3d {

namespace {

const char* EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

int RunPostLogin(int argc, char** argv) {
  SetLogProgram("mailsuite-pop3d");
  IgnoreSignal(SIGPIPE);
  int timeout = 600;
  int i = 0;
  if (i + 1 < argc && std::strcmp(argv[i], "-t") == 0) {
    std::optional<size_t> t = ParseNumber(argv[i + 1]);
    if (!t || *t == 0) {
      LogLine("usage").Add("error", "bad -t value").Emit();
      return kExitUsage;
    }
    timeout = static_cast<int>(*t);
    i += 2;
  }
  if (i + 1 != argc) {
    LogLine("usage").Add("error", "mailsuite-pop3d -d [-t seconds] maildir").Emit();
    return kExitUsage;
  }
  std::string path = argv[i];
  // The checker sets HOME; a relative Maildir is under it.
  const char* home = std::getenv("HOME");
  if (!path.empty() && path[0] != '/' && home && *home) path = std::string(home) + "/" + path;

  LogLine line("session");
  line.Add("user", EnvOr("USER", EnvOr("LOGNAME", "?"))).Add("ip", EnvOr("TCPREMOTEIP", "unknown"));
  FdStream transport(0, 1);
  Output out(transport, timeout);
  MailboxLock lock = LockMailbox(path);
  if (lock.outcome != LockOutcome::kLocked) {
    bool in_use = lock.outcome == LockOutcome::kInUse;
    out.Put(in_use ? "-ERR [IN-USE] mailbox in use\r\n"
                   : "-ERR [SYS/TEMP] unable to open the mailbox\r\n");
    out.Flush();
    line.Add("end", in_use ? "in-use" : "mailbox-error");
    if (!in_use) line.Add("error", lock.error);
    line.Emit();
    return 0;
  }
  Result<Maildir> maildir = Maildir::Scan(lock.dir.get());
  if (!maildir.ok()) {
    out.Put("-ERR [SYS/TEMP] unable to read the mailbox\r\n");
    out.Flush();
    line.Add("end", "mailbox-error").Add("error", maildir.error().message).Emit();
    return 0;
  }
  out.Put("+OK " + std::to_string(maildir->messages().size()) + " messages\r\n");
  TransactionSession session(*maildir);
  LineReader reader(&transport, /*read_ahead=*/true);
  SessionEnd end = ServeCommands(reader, out, timeout, session);
  TransactionStats stats = session.Stats();
  size_t failures = 0;
  if (session.quit()) {
    failures = maildir->Commit();
    out.Put(failures == 0 ? "+OK bye\r\n"
                          : "-ERR [SYS/TEMP] some messages could not be removed\r\n");
    out.Flush();
  } else {
    stats.deleted = stats.deleted_bytes = 0;  // nothing was removed
  }
  line.Add("messages", static_cast<unsigned long long>(maildir->messages().size()))
      .Add("retrieved", static_cast<unsigned long long>(stats.retrieved))
      .Add("retrieved_bytes", static_cast<unsigned long long>(stats.retrieved_bytes))
      .Add("deleted", static_cast<unsigned long long>(stats.deleted))
      .Add("deleted_bytes", static_cast<unsigned long long>(stats.deleted_bytes))
      .Add("end", session.quit() ? "quit" : SessionEndName(end));
  if (failures) line.Add("update_failures", static_cast<unsigned long long>(failures));
  line.Emit();
  return 0;
}

}  // namespace ms::pop3d
