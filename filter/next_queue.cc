#include "filter/next_queue.h"

#include <csignal>
#include <cstdlib>

#include "child.h"
#include "fd.h"
#include "paths.h"
#include "unnamed_file.h"

namespace ms::filter {

std::string NextQueueProgram() {
  const char* next = ::getenv("FILTER_NEXT");
  return next && *next ? next : ProgramPath("mailsuite-queue");
}

int HandToNextQueue(const std::string& program, std::string_view prefix, int message_fd, uint64_t offset,
                    uint64_t len, const Envelope& envelope, bool pass_fd6, std::string* why) {
  UniqueFd message_read, message_write, envelope_read, envelope_write;
  if (!MakePipe(&message_read, &message_write) || !MakePipe(&envelope_read, &envelope_write)) {
    *why = "pipe failed";
    return 71;
  }
  SpawnSpec spec;
  spec.argv = {program};
  spec.fds = {{0, message_read.get()}, {1, envelope_read.get()}};
  if (pass_fd6) spec.fds.push_back({6, 6});
  auto pid = Spawn(spec);
  if (!pid) {
    *why = "cannot run " + program + ": " + pid.error().message;
    return 71;
  }
  Child child(*pid);
  message_read.reset();
  envelope_read.reset();
  // A next program that exits early must not kill us with SIGPIPE: its
  // exit code says what happened.
  ::signal(SIGPIPE, SIG_IGN);
  bool ok = WriteAll(message_write.get(), prefix) && CopyRange(message_fd, offset, len, message_write.get());
  message_write.reset();
  if (ok) WriteAll(envelope_write.get(), EncodeEnvelope(envelope));
  envelope_write.reset();  // without the envelope the next program queues nothing
  ExitStatus st = child.Wait();
  if (!st.exited) {
    *why = program + " killed by signal " + std::to_string(st.signal);
    return 71;
  }
  if (!ok && st.code == 0) {  // cannot happen with a correct queue program
    *why = "writing to " + program + " failed";
    return 71;
  }
  return st.code;
}

}  // namespace ms::filter
