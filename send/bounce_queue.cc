#include "send/bounce_queue.h"

#include "child.h"
#include "deadline.h"
#include "fd.h"

namespace ms::send {

Status InjectMessage(const std::string& program, std::string_view message,
                     const Envelope& envelope) {
  UniqueFd message_read, message_write, envelope_read, envelope_write;
  if (!MakePipe(&message_read, &message_write) || !MakePipe(&envelope_read, &envelope_write))
    return MakeError("unable to make pipes", -1);
  auto pid = Spawn({{program}, {{0, message_read.get()}, {1, envelope_read.get()}}});
  if (!pid) return MakeError(pid.error().message, -1);
  Child child(*pid);
  message_read.reset();
  envelope_read.reset();
  // qmail-queue reads the whole message before the envelope, so writing
  // them in that order cannot deadlock; the deadline bounds a stuck queue.
  Deadline deadline = Deadline::AfterSeconds(120);
  std::string env = EncodeEnvelope(envelope);
  bool wrote = WriteAllWithDeadline(message_write.get(), message.data(), message.size(), deadline);
  message_write.reset();
  wrote = wrote && WriteAllWithDeadline(envelope_write.get(), env.data(), env.size(), deadline);
  envelope_write.reset();
  if (!wrote) return MakeError("unable to write to " + program, -1);
  ExitStatus status = child.Wait();
  if (!status.exited)
    return MakeError(program + " crashed (signal " + std::to_string(status.signal) + ")", -1);
  if (status.code != 0)
    return MakeError(program + " exited " + std::to_string(status.code), status.code);
  return Ok{};
}

}  // namespace ms::send
