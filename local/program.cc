#include "local/program.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "child.h"
#include "fd.h"

namespace ms::local {
namespace {

bool IsPermanentExit(int code) {
  switch (code) {
    case 64: case 65: case 70: case 76: case 77: case 78: case 100: case 112:
      return true;
    default:
      return false;
  }
}

// Reads everything the program writes (so it never blocks on a full
// pipe), keeping the first kMaxOutput bytes.
std::string Drain(int fd) {
  std::string kept;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (kept.size() < kMaxOutput) kept.append(buf, std::min<size_t>(static_cast<size_t>(n), kMaxOutput - kept.size()));
  }
  return kept;
}

}  // namespace

std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  bool pending_space = false, pending_break = false;
  for (unsigned char c : text) {
    if (c == '\n') {
      pending_break = !out.empty();
      pending_space = false;
    } else if (c < 0x20 || c == 0x7f || c == ' ') {
      pending_space = !out.empty();
    } else {
      if (pending_break) out += "/ ";
      else if (pending_space) out += ' ';
      pending_break = pending_space = false;
      out += static_cast<char>(c);
    }
    if (out.size() >= max) break;
  }
  if (out.size() > max) out.resize(max);
  return out;
}

Result<ProgramResult> DeliverProgram(const std::string& command, const std::vector<std::string>& env,
                                     Message& message) {
  auto in = message.StandaloneFd();
  if (!in.ok()) return in.error();
  UniqueFd out_r, out_w;
  if (!MakePipe(&out_r, &out_w))
    return MakeError(std::string("Unable to make a pipe: ") + std::strerror(errno) + ". (#4.3.0)", 111);
  SpawnSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.fds = {{0, *in}, {1, out_w.get()}, {2, out_w.get()}};
  spec.env = &env;
  auto pid = Spawn(spec);
  if (!pid.ok()) return MakeError("Unable to run program: " + pid.error().message + ". (#4.3.0)", 111);
  Child child(*pid);
  out_w.reset();
  std::string output = OneLine(Drain(out_r.get()), kMaxOutput);
  ExitStatus status = child.Wait();
  std::string said = output.empty() ? "" : ": " + output;
  if (!status.exited)
    return MakeError("Program " + command + " was killed by signal " + std::to_string(status.signal) + said + " (#4.3.0)", 111);
  if (status.code == 0) return ProgramResult::kDelivered;
  if (status.code == 99) return ProgramResult::kStop;
  std::string why = "Program " + command + " exited " + std::to_string(status.code) + said;
  if (IsPermanentExit(status.code)) return MakeError(why + " (#5.2.0)", 100);
  return MakeError(why + " (#4.2.0)", 111);
}

}  // namespace ms::local
