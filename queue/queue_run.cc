#include "queue/queue_run.h"

#include <sys/socket.h>
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

namespace ms::queue {

namespace {

// Default as qmail-queue's alarm: a day.  Only bounds a stalled writer.
constexpr long kDefaultTimeout = 86400;

int Fail(int code, const std::string& reason) {
  LogLine("fail").Add("code", code).Add("reason", reason).Emit();
  return code;
}

volatile sig_atomic_t g_timeout_report_fd = -1;

void OnAlarm(int) {
  if (!AbandonUncommittedFile()) return;
  if (g_timeout_report_fd >= 0) {
    const unsigned char code = kTimeout;
    ::send(g_timeout_report_fd, &code, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::_exit(kTimeout);
}

void InstallHandler(int signo, void (*handler)(int)) {
  struct sigaction sa = {};
  sa.sa_handler = handler;
  ::sigaction(signo, &sa, nullptr);
}

int QueueWithinAlarm(int message_fd, int envelope_fd, uid_t invoker_uid) {
  auto timeout = Control().Number("timeoutqueue", kDefaultTimeout, 1, 10 * kDefaultTimeout);
  if (!timeout) return Fail(kBadConfig, timeout.error().message);
  ::alarm(static_cast<unsigned>(*timeout));
  QueueRequest request;
  request.queue_root = QueueDir();
  request.pid = ::getpid();
  request.received_line = MakeReceivedLine(request.pid, invoker_uid, ::time(nullptr));
  request.message_fd = message_fd;
  request.envelope_fd = envelope_fd;
  auto queued = WriteToQueue(request);
  ::alarm(0);
  if (!queued) return Fail(queued.error().code, queued.error().message);
  PokeTrigger(QueueLayout(request.queue_root).trigger(), queued->id);
  return kQueued;
}

}  // namespace

void PrepareQueueProcess() {
  // Group members (msadmin) must be able to read the file, whatever the
  // invoking user's umask.
  ::umask(027);
  InstallHandler(SIGPIPE, SIG_IGN);
  InstallHandler(SIGALRM, OnAlarm);
}

void ReportTimeoutTo(int socket) { g_timeout_report_fd = socket; }

int QueueOneMessage(int message_fd, int envelope_fd, uid_t invoker_uid) {
  try {
    return QueueWithinAlarm(message_fd, envelope_fd, invoker_uid);
  } catch (const std::bad_alloc&) {
    ::alarm(0);
    return Fail(kOutOfMemory, "out of memory");
  } catch (...) {
    ::alarm(0);
    return Fail(kInternalBug, "unexpected exception");
  }
}

}  // namespace ms::queue
