#include "tcpserver/smtpd_worker.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "become_user.h"
#include "control.h"
#include "deadline.h"
#include "fd.h"
#include "fd_passing.h"
#include "log.h"
#include "smtpd/smtpd_main.h"
#include "smtpd/stress_mode.h"
#include "tcpserver/filter_pool_start.h"
#include "tcpserver/smtpd_worker_protocol.h"
#include "tcpserver/tcp_connection.h"
#include "tcpserver/tcpserver_identity.h"

extern char** environ;

namespace ms::smtpd {

namespace {

// How long a worker waits for the listener's answer to a helper request
// (it answers at once; a queue helper that is slow to start is the most).
constexpr int64_t kHelperAnswerMs = 15 * 1000;

// The listener's environment as the worker was forked with it: every
// connection starts from it, so nothing a rule or a session set for one
// client (RELAYCLIENT, a rule's variables, QMAILQUEUE) reaches the next.
class BaseEnvironment {
 public:
  BaseEnvironment() {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) entries_.emplace_back(*e);
  }
  void Restore() const {
    ::clearenv();
    for (const std::string& entry : entries_) {
      size_t eq = entry.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      ::setenv(entry.substr(0, eq).c_str(), entry.c_str() + eq + 1, 1);
    }
  }

 private:
  std::vector<std::string> entries_;
};

// The session's queue helper, asked of the listener at its first MAIL
// (SMTPD_WORKERS.md "Protocol").  Invalid: none; the queue program is
// exec'd for this session's messages.
UniqueFd AskForHelper() {
  if (::send(kWorkerControl, &kHelperRequest, 1, MSG_NOSIGNAL) != 1) return UniqueFd();
  Deadline deadline = Deadline::AfterMs(kHelperAnswerMs);
  for (;;) {
    if (WaitReadable(kWorkerControl, deadline) != WaitResult::kReady) return UniqueFd();
    std::string data;
    UniqueFd helper;
    bool eof = false;
    errno = 0;
    if (ReceiveWithFd(kWorkerControl, 4, &data, &helper, &eof)) {
      if (data == std::string_view(&kHelperGranted, 1)) return helper;
      continue;  // not an answer to this request: dropped
    }
    if (eof) return UniqueFd();
    if (errno == EINTR) continue;  // a stress signal (smtpd/stress_mode.h)
    return UniqueFd();  // "N" (no descriptor): no helper to be had
  }
}

// Nothing of the session stays: /dev/null on 0 and 1 (the client sees
// the connection close now), and every descriptor the session opened is
// closed — only the log and the worker's own two sockets remain.
void EndOfSession() {
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0 || ::dup2(null, 0) != 0 || ::dup2(null, 1) != 1) ::_exit(111);
  ::close_range(3, kWorkerControl - 1, 0);
  ::close_range(kWorkerFilterControl + 1, ~0U, 0);
}

// One connection, as tcp_connection.cc's child serves it; its exit code.
int ServeOne(int connection, const TcpServerOptions& options) {
  UniqueFd owned(connection);
  if (int code = PrepareConnection(connection, options); code >= 0) return code;
  int filter_socket = -1;
  if (::fcntl(kWorkerFilterControl, F_GETFD) >= 0 && NamesOurFilter(std::getenv("QMAILQUEUE"))) {
    // The filter pool's workers hand clean mail to this session's queue
    // helper (filter/FILTER_POOL.md "Hand-off to the queue"), so with the
    // filter the helper is leased at connect, not at MAIL, and goes to the
    // pool only: smtpd's code never holds it.
    UniqueFd helper = AskForHelper();
    filter_socket = JoinFilterPool(kWorkerFilterControl, helper.get()).release();
  }
  if (::dup2(connection, 0) != 0 || ::dup2(connection, 1) != 1) return 111;
  owned.reset();
  std::vector<std::string> args = options.program;
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  HelperLease lease = AskForHelper;
  return RunSmtpd(static_cast<int>(args.size()), argv.data(), -1, filter_socket, &lease);
}

}  // namespace

void RunSmtpdWorker(const TcpServerOptions& options, unsigned max_use) {
  ::prctl(PR_SET_NAME, "mailsuite-smtpd", 0, 0, 0);  // for ps: a session, idle or not
  if (Status s = TakeWorkerIdentity(); !s.ok()) {
    LogLine("error").Add("what", "setuid").Add("error", s.error().message).Emit();
    ::_exit(111);
  }
  KeepMemoryPrivate();  // keys, passwords and mail of every session it serves
  // Control files are read once, not for every connection, until the
  // listener says the directory changed (the packet's third byte).
  KeepControlFiles();
  const BaseEnvironment base;
  for (unsigned served = 0; served < max_use;) {
    std::string data;
    UniqueFd connection;
    bool eof = false;
    errno = 0;
    if (!ReceiveWithFd(kWorkerControl, 4, &data, &connection, &eof)) {
      if (eof) ::_exit(0);  // retired, or the listener is gone
      continue;             // a stress signal, or a late "N": nothing to serve
    }
    if (data.size() != 3 || data[0] != kConnection) continue;  // a late helper answer: dropped
    // Stress mode as the listener sees it now: signals sent while this
    // worker was idle may have arrived in any order.
    SetUnderStress(data[1] == '1');
    if (data[2] == '1') ForgetControlFiles();
    ++served;
    base.Restore();
    int code = ServeOne(connection.release(), options);
    EndOfSession();
    const char done[2] = {kSessionDone, static_cast<char>(code)};
    if (::send(kWorkerControl, done, sizeof done, MSG_NOSIGNAL) != sizeof done) ::_exit(0);
  }
  ::_exit(0);
}

}  // namespace ms::smtpd
