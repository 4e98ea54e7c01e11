#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "child.h"
#include "fd.h"

namespace {

ms::ExitStatus RunShell(const std::string& script, std::vector<std::pair<int, int>> fds = {},
                        const std::vector<std::string>* env = nullptr) {
  ms::SpawnSpec spec{{"/bin/sh", "-c", script}, std::move(fds), env};
  auto pid = ms::Spawn(spec);
  REQUIRE(pid.ok());
  return ms::WaitFor(*pid);
}

std::string Drain(ms::UniqueFd& fd) {
  std::string out;
  REQUIRE(ms::ReadAll(fd.get(), &out));
  return out;
}

}  // namespace

TEST_CASE("child: exit codes", "[lib][child]") {
  for (int code : {0, 1, 3, 100, 111, 255}) {
    auto s = RunShell("exit " + std::to_string(code));
    CHECK(s.exited);
    CHECK(s.code == code);
    CHECK(s.signal == 0);
  }
}

TEST_CASE("child: death by signal", "[lib][child]") {
  auto s = RunShell("kill -TERM $$");
  CHECK(!s.exited);
  CHECK(s.signal == SIGTERM);
  auto k = RunShell("kill -KILL $$");
  CHECK(k.signal == SIGKILL);
}

TEST_CASE("child: DecodeWaitStatus", "[lib][child]") {
  auto e = ms::DecodeWaitStatus(0x6f00);  // exited 111
  CHECK(e.exited);
  CHECK(e.code == 111);
  auto s = ms::DecodeWaitStatus(SIGSEGV);
  CHECK(!s.exited);
  CHECK(s.signal == SIGSEGV);
}

TEST_CASE("child: fd map with swapped fds", "[lib][child]") {
  ms::UniqueFd p_read, p_write, q_read, q_write;
  REQUIRE(ms::MakePipe(&p_read, &p_write));
  REQUIRE(ms::MakePipe(&q_read, &q_write));
  // The parent holds P's write end at 40 and Q's at 41; the child gets
  // them the other way round.
  REQUIRE(::dup2(p_write.get(), 40) == 40);
  REQUIRE(::dup2(q_write.get(), 41) == 41);
  ms::UniqueFd at40(40), at41(41);
  p_write.reset();
  q_write.reset();
  ms::SpawnSpec spec{{"/bin/bash", "-c", "echo one >&40; echo two >&41"}, {{40, 41}, {41, 40}}, nullptr};
  auto pid = ms::Spawn(spec);
  REQUIRE(pid.ok());
  at40.reset();
  at41.reset();
  auto status = ms::WaitFor(*pid);
  CHECK(status.exited);
  CHECK(status.code == 0);
  CHECK(Drain(q_read) == "one\n");
  CHECK(Drain(p_read) == "two\n");
}

TEST_CASE("child: target fds above the temporaries' usual range", "[lib][child]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  ms::SpawnSpec spec{{"/bin/bash", "-c", "echo high >&70"}, {{65, r.get()}, {70, w.get()}}, nullptr};
  auto pid = ms::Spawn(spec);
  REQUIRE(pid.ok());
  w.reset();
  CHECK(ms::WaitFor(*pid).code == 0);
  CHECK(Drain(r) == "high\n");
}

TEST_CASE("child: stdin and stdout swapped onto each other's pipes", "[lib][child]") {
  ms::UniqueFd in_read, in_write, out_read, out_write;
  REQUIRE(ms::MakePipe(&in_read, &in_write));
  REQUIRE(ms::MakePipe(&out_read, &out_write));
  REQUIRE(ms::WriteAll(in_write.get(), "hello through cat\n"));
  in_write.reset();
  ms::SpawnSpec spec{{"/bin/cat"}, {{0, in_read.get()}, {1, out_write.get()}}, nullptr};
  auto pid = ms::Spawn(spec);
  REQUIRE(pid.ok());
  out_write.reset();
  CHECK(Drain(out_read) == "hello through cat\n");
  CHECK(ms::WaitFor(*pid).code == 0);
}

TEST_CASE("child: close-on-exec fds do not leak, mapped ones arrive", "[lib][child]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  std::string fd = std::to_string(r.get());
  CHECK(RunShell("test ! -e /proc/self/fd/" + fd).code == 0);
  CHECK(RunShell("test -e /proc/self/fd/7", {{7, r.get()}}).code == 0);
  // Mapping a parent fd onto the same number still clears close-on-exec.
  CHECK(RunShell("test -e /proc/self/fd/" + fd, {{r.get(), r.get()}}).code == 0);
}

TEST_CASE("child: explicit environment", "[lib][child]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  std::vector<std::string> env = {"ONLY=this", "PATH=/bin:/usr/bin"};
  auto s = RunShell("echo \"$ONLY:${HOME-unset}\"", {{1, w.get()}}, &env);
  w.reset();
  CHECK(s.code == 0);
  CHECK(Drain(r) == "this:unset\n");
}

TEST_CASE("child: spawn errors", "[lib][child]") {
  ms::SpawnSpec empty;
  CHECK(!ms::Spawn(empty).ok());
  ms::SpawnSpec missing{{"/nonexistent/program"}, {}, nullptr};
  auto r = ms::Spawn(missing);
  if (r.ok()) {
    auto s = ms::WaitFor(*r);  // a libc that reports exec failure as exit 127
    CHECK(s.code == 127);
  } else {
    CHECK_THAT(r.error().message, Catch::Contains("/nonexistent/program"));
  }
  ms::SpawnSpec bad_fd{{"/bin/true"}, {{0, 999}}, nullptr};
  CHECK(!ms::Spawn(bad_fd).ok());
}

TEST_CASE("child: RAII kills and reaps a running child", "[lib][child]") {
  pid_t pid;
  {
    ms::SpawnSpec spec{{"/bin/sleep", "100"}, {}, nullptr};
    auto r = ms::Spawn(spec);
    REQUIRE(r.ok());
    pid = *r;
    ms::Child child(pid);
    ms::Child moved(std::move(child));
    CHECK(child.pid() == -1);
    CHECK(moved.pid() == pid);
  }
  errno = 0;
  CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("child: Wait returns the status once", "[lib][child]") {
  ms::SpawnSpec spec{{"/bin/sh", "-c", "exit 7"}, {}, nullptr};
  auto r = ms::Spawn(spec);
  REQUIRE(r.ok());
  ms::Child child(*r);
  auto s = child.Wait();
  CHECK(s.code == 7);
  CHECK(child.pid() == -1);
  CHECK(!child.Wait().exited);
  ms::Child a, b(*ms::Spawn(spec));
  a = std::move(b);
  CHECK(a.Wait().code == 7);
}
