#include "queue/queue_client.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace ms::queue {

Status QueueClient::Start(const std::string& program) {
  UniqueFd message_read, envelope_read, reply_write;
  if (!MakePipe(&message_read, &message_) || !MakePipe(&envelope_read, &envelope_) ||
      !MakePipe(&reply_, &reply_write))
    return MakeError(std::string("unable to make a pipe: ") + std::strerror(errno));
  SpawnSpec spec;
  spec.argv = {program};
  spec.fds = {{0, message_read.get()}, {1, envelope_read.get()}, {6, reply_write.get()}};
  auto pid = Spawn(spec);
  if (!pid) return pid.error();  // names the program already
  child_ = Child(*pid);
  return Ok{};
}

bool QueueClient::Write(std::string_view data) {
  return message_.valid() && WriteAll(message_.get(), data);
}

ExitStatus QueueClient::Finish(std::string_view envelope) {
  message_.reset();
  (void)WriteAll(envelope_.get(), envelope);  // a failure shows in the exit code
  envelope_.reset();
  return child_.Wait();
}

std::string QueueClient::FilterReply() {
  std::string text;
  char buf[1000];
  ssize_t n;
  // The child has exited: every writer end is closed, so this ends.
  while (text.size() < sizeof buf && (n = ::read(reply_.get(), buf, sizeof buf - text.size())) > 0)
    text.append(buf, static_cast<size_t>(n));
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return text;
}

ExitStatus QueueClient::Abort() {
  message_.reset();
  envelope_.reset();
  return child_.Wait();
}

std::string QueueExitText(int code) {
  switch (code) {
    case 11: return "address too long";
    case 31: return "mail server permanently rejected the message";
    case 51: return "out of memory";
    case 52: return "timeout";
    case 53: return "write error (disk full?)";
    case 54: return "unable to read the message or envelope";
    case 55: return "unable to read a configuration file";
    case 56: return "network problem";
    case 61: return "problem with the home directory";
    case 62: case 63: case 64: case 65: case 66: return "problem with the queue directory";
    case 71: return "mail server temporarily rejected the message";
    case 72: return "connection to mail server timed out";
    case 73: return "connection to mail server rejected";
    case 74: return "communication with mail server failed";
    case 81: return "internal bug";
    case 91: return "envelope format error";
    default: return "unexpected exit code " + std::to_string(code);
  }
}

}  // namespace ms::queue
