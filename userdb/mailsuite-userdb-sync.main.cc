// mailsuite-userdb-sync [-1] [-b] [-h SENDSERVICE]: keeps the users
// database, control/rcpthosts and control/virtualdomains equal to the
// PostgreSQL tables of control/USERDB.md (connection: control/userdb).
// Behaviour, privilege split and exit codes: userdb/SYNC.md,
// mailsuite-userdb-sync(8).
//
// Two processes: the reader (this program's child; as root it first
// becomes the account msuserdb) talks to PostgreSQL and sends each
// snapshot as a frame on a pipe; the installer (the invoker: root in
// production) checks and writes it.  Exit 0 (-1: written), 100 usage, 111
// temporary failure (database unreachable at a first start, or a
// snapshot that could not be read or written with -1).
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "become_user.h"
#include "child.h"
#include "control.h"
#include "fd.h"
#include "log.h"
#include "paths.h"
#include "service/instance.h"
#include "users.h"
#include "userdb/installer.h"
#include "userdb/pg_source.h"
#include "userdb/snapshot.h"
#include "version.h"

namespace {

using namespace ms;
using namespace ms::userdb;

constexpr int kExitUsage = 100;
constexpr int kExitTemporary = 111;
constexpr const char* kReaderAccount = "msuserdb";

struct Options {
  bool once = false;
  bool backup_mx = false;
  std::string send_service;
};

void Warn(std::string_view event, std::string_view error) {
  LogLine(event).Add("error", error).Emit();
}

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// After the first NOTIFY of a burst: more are awaited until 100 ms pass
// without one or 400 ms since the first, so a burst costs one read and the
// files are rewritten well within a second of the first change.
void CoalesceBurst(PgSource& source) {
  Deadline burst_end = Deadline::AfterMs(400);
  while (!burst_end.Expired()) {
    Deadline quiet = Deadline::AfterMs(std::min(100, burst_end.PollTimeout()));
    if (source.WaitForNotify(quiet) != PgSource::Wait::kChanged) return;
  }
}

// The reader: never returns.  Exits 0 after a -1 run that sent its
// snapshot, 111 when -1 (or a first start without a previous copy) cannot.
[[noreturn]] void RunReader(const Options& opt, const std::string& conninfo, bool have_copy,
                            int frame_fd) {
  PgSource source;
  int64_t backoff_ms = 250;
  bool sent_any = have_copy;
  std::optional<Snapshot> last_sent;
  for (;;) {
    if (!source.connected()) {
      Status c = source.Connect(conninfo);
      if (!c) {
        Warn("unreachable", c.error().message);
        if (opt.once || !sent_any) {
          LogLine("exit").Add("reason", sent_any ? "once" : "no previous copy: nothing written").Emit();
          ::_exit(kExitTemporary);
        }
        SleepMs(backoff_ms);
        backoff_ms = std::min<int64_t>(backoff_ms * 2, 5000);
        continue;
      }
      backoff_ms = 250;
      LogLine("connected").Emit();
    }
    auto tables = source.Read();
    if (!tables) {
      Warn("read", tables.error().message);
      if (opt.once) ::_exit(kExitTemporary);
      if (tables.error().code == PgSource::kLost) continue;  // reconnect at once, then back off
    } else {
      auto built = BuildSnapshot(tables->users, tables->domains, opt.backup_mx);
      if (!built) {
        LogLine("refused").Add("error", built.error().message).Add("kept", "last good copy").Emit();
        if (opt.once) ::_exit(kExitTemporary);
      } else {
        for (const auto& w : built->warnings) LogLine("warning").Add("what", w).Emit();
        if (!last_sent || !(*last_sent == built->snapshot)) {
          if (!WriteAll(frame_fd, EncodeFrame(built->snapshot))) ::_exit(kExitTemporary);  // installer gone
          last_sent = built->snapshot;
          sent_any = true;
        }
        if (opt.once) ::_exit(0);
      }
    }
    // Every 5 minutes a full read even without a NOTIFY: it repairs a copy
    // the installer failed to write and any notification lost in between.
    PgSource::Wait w = source.WaitForNotify(Deadline::AfterSeconds(300));
    if (w == PgSource::Wait::kChanged) CoalesceBurst(source);
    if (w == PgSource::Wait::kLost) Warn("lost", "connection to PostgreSQL lost; keeping the last good copy");
  }
}

// The installer: reads frames until the reader ends; returns the exit code.
int RunInstaller(const InstallTargets& targets, int frame_fd, pid_t reader, bool once) {
  std::string buffer;
  bool install_failed = false;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(frame_fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    for (;;) {
      auto frame = DecodeFrame(&buffer);
      if (!frame) {
        Warn("frame", frame.error().message);
        ::kill(reader, SIGTERM);
        WaitFor(reader);
        return kExitTemporary;
      }
      if (!*frame) break;
      auto done = Install(targets, **frame);
      if (!done) {
        install_failed = true;
        Warn("write", done.error().message);
        continue;
      }
      UsersDb db = ParseUsers((*frame)->users);
      LogLine("synced")
          .Add("users", db.entries.size())
          .Add("rewritten", std::string(done->users ? "users " : "") +
                                (done->virtualdomains ? "virtualdomains " : "") +
                                (done->rcpthosts ? "rcpthosts" : ""))
          .Emit();
    }
  }
  ExitStatus e = WaitFor(reader);
  if (!e.exited) return kExitTemporary;
  if (once && install_failed) return kExitTemporary;
  return e.code;
}

int Usage() {
  std::fputs("usage: mailsuite-userdb-sync [-1] [-b] [-h SENDSERVICE]\n", stderr);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  ExitIfVersionRequest(argc, argv, "mailsuite-userdb-sync");
  SetLogProgram("userdb-sync");
  Options opt;
  int c;
  while ((c = ::getopt(argc, argv, "1bh:")) != -1) {
    switch (c) {
      case '1': opt.once = true; break;
      case 'b': opt.backup_mx = true; break;
      case 'h': opt.send_service = optarg; break;
      default: return Usage();
    }
  }
  if (optind != argc) return Usage();
  KeepMemoryPrivate();  // the connection string may hold a password

  Control control;
  auto conninfo = control.Line("userdb", "");
  if (!conninfo) {
    Warn("config", conninfo.error().message);
    return kExitTemporary;
  }
  if (conninfo->empty()) {
    Warn("config", control.PathOf("userdb") + " is missing or empty");
    return kExitTemporary;
  }
  InstallTargets targets{UsersFile(), control.PathOf("rcpthosts"), control.PathOf("virtualdomains"),
                         opt.send_service};
  // Looked up by the installer itself, before the reader exists.
  bool have_copy = HavePreviousCopy(targets.users);

  std::optional<setup::Ids> reader_ids;
  if (::geteuid() == 0) {
    reader_ids = setup::UserIds(kReaderAccount);
    if (!reader_ids) {
      Warn("config", std::string("the account ") + kReaderAccount +
                         " does not exist (mailsuite-setup creates it)");
      return kExitTemporary;
    }
  }
  UniqueFd frames_in, frames_out;
  if (!MakePipe(&frames_in, &frames_out)) {
    Warn("pipe", std::strerror(errno));
    return kExitTemporary;
  }
  pid_t reader = ::fork();
  if (reader < 0) {
    Warn("fork", std::strerror(errno));
    return kExitTemporary;
  }
  if (reader == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() == 1) ::_exit(kExitTemporary);
    frames_in.reset();
    if (reader_ids) {
      Status s = BecomeUser(reader_ids->uid, reader_ids->gid);
      if (!s) {
        Warn("setuid", s.error().message);
        ::_exit(kExitTemporary);
      }
    }
    ::signal(SIGPIPE, SIG_IGN);
    RunReader(opt, *conninfo, have_copy, frames_out.get());
  }
  frames_out.reset();
  return RunInstaller(targets, frames_in.get(), reader, opt.once);
}
