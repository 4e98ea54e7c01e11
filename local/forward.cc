#include "local/forward.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "child.h"
#include "envelope.h"
#include "fd.h"
#include "paths.h"

namespace ms::local {

std::string QueueExitReason(int code) {
  switch (code) {
    case 11: return "address too long";
    case 31: return "mail server permanently refuses to send the message";
    case 51: return "out of memory";
    case 52: return "timeout";
    case 53: return "write error (disk full?)";
    case 54: return "unable to read the message or envelope";
    case 55: return "unable to read a configuration file";
    case 61: return "problem with the home directory";
    case 71: return "mail server temporarily refuses to send the message";
    case 81: return "internal bug";
    case 91: return "envelope format error";
    default:
      if (code >= 62 && code <= 66) return "problem with the queue directory";
      return "queue program exited " + std::to_string(code);
  }
}

Status Forward(const std::vector<std::string>& recipients, const std::string& sender,
               std::string_view dtline, const Message& message) {
  const char* qq = ::getenv("QMAILQUEUE");
  std::string program = (qq != nullptr && *qq != '\0') ? qq : ProgramPath("mailsuite-queue");
  UniqueFd msg_r, msg_w, env_r, env_w;
  if (!MakePipe(&msg_r, &msg_w) || !MakePipe(&env_r, &env_w))
    return MakeError(std::string("Unable to forward message: pipe: ") + std::strerror(errno) + ". (#4.3.0)", 111);
  SpawnSpec spec;
  spec.argv = {program};
  spec.fds = {{0, msg_r.get()}, {1, env_r.get()}};
  auto pid = Spawn(spec);
  if (!pid.ok()) return MakeError("Unable to forward message: " + pid.error().message + ". (#4.3.0)", 111);
  Child child(*pid);
  msg_r.reset();
  env_r.reset();
  // A queue program that gives up early closes its end: the writes then
  // fail with EPIPE (SIGPIPE is ignored) and its exit code tells why.
  bool wrote = WriteAll(msg_w.get(), dtline) && message.CopyTo(msg_w.get()).ok();
  msg_w.reset();
  Envelope envelope{sender, recipients};
  if (wrote) wrote = WriteAll(env_w.get(), EncodeEnvelope(envelope));
  env_w.reset();
  ExitStatus status = child.Wait();
  if (!status.exited)
    return MakeError("Unable to forward message: queue program killed by signal " + std::to_string(status.signal) + ". (#4.3.0)", 111);
  if (status.code == 0) {
    if (!wrote) return MakeError("Unable to forward message: the queue program did not read it all. (#4.3.0)", 111);
    return Ok{};
  }
  std::string why = "Unable to forward message: " + QueueExitReason(status.code);
  if (status.code >= 11 && status.code <= 40) return MakeError(why + ". (#5.3.0)", 100);
  return MakeError(why + ". (#4.3.0)", 111);
}

}  // namespace ms::local
