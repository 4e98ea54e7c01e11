#include "filter/next_queue.h"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include "fd.h"
#include "paths.h"
#include "queue_client.h"

namespace ms::filter {

namespace {

// Read the spool in pieces of this size: the filter's memory stays flat
// whatever the message size.
constexpr size_t kChunk = 64 * 1024;

// Sends len octets of message_fd from offset through the client.
bool WriteRange(QueueClient* client, int message_fd, uint64_t offset, uint64_t len,
                const Deadline& deadline) {
  std::string buf(kChunk, '\0');
  while (len > 0) {
    ssize_t n = ::pread(message_fd, buf.data(), len < kChunk ? len : kChunk, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (!client->Write(std::string_view(buf.data(), n), deadline)) return false;
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
  if (client.Write(prefix, deadline)) spool_read = WriteRange(&client, message_fd, offset, len, deadline);
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

}  // namespace ms::filter
