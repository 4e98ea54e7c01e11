// mailsuite-queue: the qmail-queue interface.  Message on fd 0, envelope
// on fd 1, exit code as queue_exit.h / QUEUE.md.  Runs set-uid to the
// queue owner, so it reads no MAILSUITE_* override (paths.h).
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <new>

#include "control.h"
#include "log.h"
#include "paths.h"
#include "queue/queue_exit.h"
#include "queue/queue_writer.h"
#include "queue/received_line.h"
#include "queue/trigger.h"
#include "queue_layout.h"

namespace {

// Default as qmail-queue's alarm: a day.  Only bounds a stalled writer.
constexpr long kDefaultTimeout = 86400;

[[noreturn]] void Die(int code, const std::string& reason) {
  ms::LogLine("fail").Add("code", code).Add("reason", reason).Emit();
  ::_exit(code);
}

void OnAlarm(int) {
  if (ms::queue::AbandonUncommittedFile()) ::_exit(ms::queue::kTimeout);
}

void InstallHandler(int signo, void (*handler)(int)) {
  struct sigaction sa = {};
  sa.sa_handler = handler;
  ::sigaction(signo, &sa, nullptr);
}

int Run() {
  // Group members (msadmin) must be able to read the file, whatever the
  // invoking user's umask.
  ::umask(027);
  InstallHandler(SIGPIPE, SIG_IGN);
  InstallHandler(SIGALRM, OnAlarm);
  auto timeout = ms::Control().Number("timeoutqueue", kDefaultTimeout, 1, 10 * kDefaultTimeout);
  if (!timeout) Die(ms::queue::kBadConfig, timeout.error().message);
  ::alarm(static_cast<unsigned>(*timeout));

  ms::queue::QueueRequest request;
  request.queue_root = ms::QueueDir();
  request.pid = ::getpid();
  request.received_line = ms::queue::MakeReceivedLine(request.pid, ::getuid(), ::time(nullptr));
  auto queued = ms::queue::WriteToQueue(request);
  if (!queued) Die(queued.error().code, queued.error().message);
  ms::queue::PokeTrigger(ms::QueueLayout(request.queue_root).trigger(), queued->id);
  return ms::queue::kQueued;
}

}  // namespace

int main() {
  ms::SetLogProgram("mailsuite-queue");
  try {
    ::_exit(Run());
  } catch (const std::bad_alloc&) {
    Die(ms::queue::kOutOfMemory, "out of memory");
  } catch (...) {
    Die(ms::queue::kInternalBug, "unexpected exception");
  }
}
