#include "filter/next_queue.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "deadline.h"
#include "fd.h"
#include "fd_passing.h"
#include "paths.h"
#include "queue_client.h"
#include "queue_helper_client.h"

namespace ms::filter {

namespace {

// Read the spool in pieces of this size: the filter's memory stays flat
// whatever the message size.
constexpr size_t kChunk = 64 * 1024;

// Sends len octets of message_fd from offset through write (false: the
// reader stopped).  *spool_read: false when the spool itself failed.
bool WriteRange(const std::function<bool(std::string_view)>& write, int message_fd, uint64_t offset,
                uint64_t len, bool* spool_read) {
  std::string buf(kChunk, '\0');
  *spool_read = true;
  while (len > 0) {
    ssize_t n = ::pread(message_fd, buf.data(), len < kChunk ? len : kChunk, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return *spool_read = false;
    if (!write(std::string_view(buf.data(), n))) return false;
    offset += n;
    len -= n;
  }
  return true;
}

}  // namespace

std::string NextQueueProgram() {
  const char* next = ::getenv("FILTER_NEXT");
  return next && *next ? next : ProgramPath("mailsuite-queue");
}

int HandToNextQueue(const std::string& program, std::string_view prefix, int message_fd, uint64_t offset,
                    uint64_t len, const Envelope& envelope, bool pass_fd6, std::string* why) {
  // A next program that exits early must not kill us with SIGPIPE: its
  // exit code says what happened.
  ::signal(SIGPIPE, SIG_IGN);
  QueueClient client;
  if (Status s = client.Start(program); !s) {
    *why = "cannot run " + program + ": " + s.error().message;
    return 71;
  }
  // No client of ours waits on a socket: the filter has the time an SMTP
  // client is asked to wait, like every program without one.
  Deadline deadline = Deadline::AfterSeconds(kQueueTimeoutSeconds);
  bool spool_read = true;
  if (client.Write(prefix, deadline))
    WriteRange([&](std::string_view d) { return client.Write(d, deadline); }, message_fd, offset, len,
               &spool_read);
  if (!spool_read && !client.write_failed()) {
    client.Abort();
    *why = "reading the spooled message failed";
    return 54;
  }
  // DSN records go on to a program that keeps them (lib/dsn_params.h);
  // a qmail-queue would refuse the whole envelope for them.
  QueueVerdict v = client.Finish(EncodeEnvelope(envelope, QueueProgramKeepsDsn(program)), deadline);
  if (v.queued) return 0;
  *why = program + ": " + v.Reason();
  if (v.timed_out || v.write_failed || !v.status.exited) return v.permanent ? 31 : 71;
  if (v.from_filter) {
    // A chained filter's own text goes on to smtpd unchanged in meaning.
    if (!pass_fd6) return v.permanent ? 31 : 71;
    std::string line = std::string(v.permanent ? "D" : "Z") + v.enhanced + " " + v.text;
    return WriteAll(6, line) ? kFilterReplyExit : (v.permanent ? 31 : 71);
  }
  return v.status.code;
}

bool NextIsTheQueue() {
  const char* next = ::getenv("FILTER_NEXT");
  if (next == nullptr || *next == '\0') return true;
  struct stat a, b;
  std::string queue = ProgramPath("mailsuite-queue");
  return ::stat(next, &a) == 0 && ::stat(queue.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int HandToQueueHelper(int helper, std::string_view prefix, int message_fd, uint64_t offset, uint64_t len,
                      const Envelope& envelope, std::string* why) {
  ::signal(SIGPIPE, SIG_IGN);
  UniqueFd message_read, message, envelope_read, envelope_write;
  if (!MakePipe(&message_read, &message) || !MakePipe(&envelope_read, &envelope_write)) {
    *why = std::string("unable to make a pipe: ") + std::strerror(errno);
    return 71;
  }
  ::fcntl(message.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(envelope_write.get(), F_SETFL, O_NONBLOCK);
  if (!SendWithFds(helper, std::string_view(&kQueueHelperSubmit, 1), message_read.get(), envelope_read.get()).ok()) {
    *why = "the queue helper is gone";
    return 71;
  }
  // Only the helper holds the read ends now: it sees end of file where we
  // close ours.
  message_read.reset();
  envelope_read.reset();
  Deadline deadline = Deadline::AfterSeconds(kQueueTimeoutSeconds);
  auto write = [&](int fd, std::string_view d) { return WriteAllWithDeadline(fd, d.data(), d.size(), deadline); };
  bool spool_read = true;
  bool written = write(message.get(), prefix) &&
                 WriteRange([&](std::string_view d) { return write(message.get(), d); }, message_fd, offset, len,
                            &spool_read);
  message.reset();
  // As for a queue program: no envelope after a failed write, so the
  // helper keeps nothing (it answers 54).
  if (written) written = write(envelope_write.get(), EncodeEnvelope(envelope));
  envelope_write.reset();
  unsigned char code = 0;
  ssize_t n = -1;
  WaitResult w = WaitReadable(helper, deadline);
  if (w == WaitResult::kReady) {
    while ((n = ::recv(helper, &code, 1, MSG_DONTWAIT)) < 0 && errno == EINTR) {
    }
  }
  if (n != 1) {
    *why = w == WaitResult::kTimeout ? "the queue helper did not answer in time" : "the queue helper is gone";
    return 71;
  }
  if (!spool_read) {
    *why = "reading the spooled message failed";
    return 54;
  }
  if (!written) {
    *why = "queue write error: the queue helper did not read it all";
    return 71;
  }
  if (code != 0) *why = "queue helper: " + MeaningOfQueueExit(code).text;
  return code;
}

}  // namespace ms::filter
