#include "local/forward.h"

#include "envelope.h"
#include "queue_client.h"

namespace ms::local {

namespace {

// Streams the Delivered-To line and the message to the queue program.
// false when a write failed (the verdict then says so) or the message
// could not be read (*read_error set).
bool SendMessage(QueueClient* queue, std::string_view dtline, const Message& message,
                 bool* read_error) {
  auto deadline = [] { return Deadline::AfterSeconds(kQueueTimeoutSeconds); };
  if (!queue->Write(dtline, deadline())) return false;
  char buf[65536];
  for (uint64_t pos = 0; pos < message.length();) {
    ssize_t n = message.ReadAt(buf, sizeof buf, pos);
    if (n <= 0) {
      *read_error = true;
      return false;
    }
    if (!queue->Write(std::string_view(buf, static_cast<size_t>(n)), deadline())) return false;
    pos += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace

Status Forward(const std::vector<std::string>& recipients, const std::string& sender,
               std::string_view dtline, const Message& message) {
  QueueClient queue;
  if (Status s = queue.Start(DefaultQueueProgram()); !s.ok())
    return MakeError("Unable to forward message: " + s.error().message + ". (#4.3.0)", 111);
  bool read_error = false;
  if (!SendMessage(&queue, dtline, message, &read_error) && read_error) {
    queue.Abort();
    return MakeError("Unable to forward message: unable to read the message. (#4.3.0)", 111);
  }
  QueueVerdict verdict = queue.Finish(EncodeEnvelope(Envelope{sender, recipients}),
                                      Deadline::AfterSeconds(kQueueTimeoutSeconds));
  if (verdict.queued) return Ok{};
  std::string why = "Unable to forward message: " + verdict.text + ". (#" + verdict.enhanced + ")";
  return MakeError(why, verdict.permanent ? 100 : 111);
}

}  // namespace ms::local
