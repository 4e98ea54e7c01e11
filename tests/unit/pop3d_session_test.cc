#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fd.h"
#include "pop3d/command_loop.h"
#include "pop3d/login_session.h"
#include "pop3d/memory_transport.h"
#include "pop3d/transaction_session.h"
#include "pop3d_test_maildir.h"

using namespace std::string_literals;
using namespace ms::pop3d;
using ms::LineReader;

namespace {

class FakeAuthenticator : public Authenticator {
 public:
  AuthResult Authenticate(std::string_view user, std::string_view password) override {
    calls.emplace_back(std::string(user) + ":" + std::string(password));
    if (user == "temp") return AuthResult::kTemporaryFailure;
    return user == "alice" && password == "pw" ? AuthResult::kSessionDone : AuthResult::kRejected;
  }
  std::vector<std::string> calls;
};

struct LoginRun {
  std::string output;
  SessionEnd end;
  bool logged_in;
  std::vector<std::string> calls;
  size_t unread;
};

LoginRun RunLogin(const std::string& input, size_t chunk = 4096) {
  FakeAuthenticator auth;
  LoginSession session(auth, CapabilityOptions{});
  MemoryTransport t(input, chunk);
  LineReader reader(&t, false);
  Output out(t, 5);
  SessionEnd end = ServeCommands(reader, out, 5, session);
  return {t.output(), end, session.logged_in(), auth.calls, t.unread()};
}

struct TransactionRun {
  std::string output;
  SessionEnd end;
  bool quit;
  TransactionStats stats;
  size_t writes;
};

TransactionRun RunTransaction(Maildir& maildir, const std::string& input, size_t chunk = 4096) {
  TransactionSession session(maildir);
  MemoryTransport t(input, chunk);
  LineReader reader(&t, true);
  Output out(t, 5);
  SessionEnd end = ServeCommands(reader, out, 5, session);
  return {t.output(), end, session.quit(), session.Stats(), t.writes()};
}

}  // namespace

TEST_CASE("pop3 login: USER/PASS success hands over with the rest unread", "[pop3d]") {
  auto r = RunLogin("CAPA\r\nUSER alice\r\nPASS pw\r\nSTAT\r\n");
  CHECK(r.logged_in);
  CHECK(r.end == SessionEnd::kQuit);
  CHECK(r.calls == std::vector<std::string>{"alice:pw"});
  CHECK(r.output.find("+OK capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\n") == 0);
  CHECK(r.output.find("PIPELINING\r\n.\r\n+OK send PASS\r\n") != std::string::npos);
  CHECK(r.unread == 6);  // STAT is for the post-login process
}

TEST_CASE("pop3 login: failures, order errors, hostile input", "[pop3d]") {
  auto r = RunLogin("PASS pw\r\nSTAT\r\nUSER\r\nUSER bob\r\nPASS bad\r\nPASS pw\r\n"
                    "APOP alice 0123\r\nUSER a\0b\r\n"s + std::string(2000, 'A') +
                    "\r\nQUIT\r\n");
  CHECK(!r.logged_in);
  CHECK(r.calls == std::vector<std::string>{"bob:bad"});
  CHECK(r.output ==
        "-ERR send USER first\r\n"
        "-ERR log in first\r\n"
        "-ERR usage: USER name\r\n"
        "+OK send PASS\r\n"
        "-ERR [AUTH] authentication failed\r\n"
        "-ERR send USER first\r\n"  // a failed PASS forgets the user
        "-ERR not supported, use USER and PASS\r\n"
        "-ERR control character in command\r\n"
        "-ERR line too long\r\n"
        "+OK bye\r\n");
  CHECK(r.end == SessionEnd::kQuit);
}

TEST_CASE("pop3 login: three failures end the session, temp failure does not count", "[pop3d]") {
  auto r = RunLogin("USER temp\r\nPASS x\r\nUSER a\r\nPASS x\r\nUSER b\r\nPASS x\r\n"
                    "USER c\r\nPASS x\r\nUSER alice\r\nPASS pw\r\n");
  CHECK(!r.logged_in);
  CHECK(r.calls.size() == 4);
  CHECK(r.output.find("-ERR [SYS/TEMP]") != std::string::npos);
  CHECK(r.output.find("too many failures") != std::string::npos);
}

TEST_CASE("pop3 login: too many errors close the session", "[pop3d]") {
  std::string junk;
  for (int i = 0; i < 50; ++i) junk += "XYZZY\r\n";
  auto r = RunLogin(junk);
  CHECK(r.end == SessionEnd::kTooManyErrors);
  CHECK(r.output.find("-ERR too many errors\r\n") != std::string::npos);
}

TEST_CASE("pop3 login: end of input and truncation", "[pop3d]") {
  CHECK(RunLogin("").end == SessionEnd::kEof);
  auto r = RunLogin("USER alice\r\nPASS p", 1);
  CHECK(r.end == SessionEnd::kEof);
  CHECK(r.calls.empty());
}

TEST_CASE("pop3 transaction: a whole pipelined session", "[pop3d]") {
  TestMaildir md;
  md.Add("new/1000.A.h,S=11", "Subject: a\n\n.x\n");
  md.Add("cur/2000.B.h:2,S", "B: 1\r\n\r\nbody\r\n");
  ms::UniqueFd dir(md.OpenDir());
  auto maildir = Maildir::Scan(dir.get());
  REQUIRE(maildir.ok());
  std::string input =
      "STAT\r\nLIST\r\nUIDL 2\r\nRETR 1\r\nTOP 2 0\r\nDELE 1\r\nDELE 1\r\nLIST 1\r\n"
      "STAT\r\nRSET\r\nDELE 2\r\nNOOP\r\nQUIT\r\nSTAT\r\n";
  for (size_t chunk : {1, 5, 4096}) {
    for (auto& m : maildir->messages()) m.deleted = false;
    auto r = RunTransaction(*maildir, input, chunk);
    CHECK(r.quit);
    CHECK(r.output ==
          "+OK 2 25\r\n"
          "+OK scan listing follows\r\n1 11\r\n2 14\r\n.\r\n"
          "+OK 2 2000.B.h\r\n"
          "+OK 11 octets\r\nSubject: a\r\n\r\n..x\r\n.\r\n"
          "+OK 14 octets\r\nB: 1\r\n\r\n.\r\n"
          "+OK message deleted\r\n"
          "-ERR message is deleted\r\n"
          "-ERR message is deleted\r\n"
          "+OK 1 14\r\n"
          "+OK\r\n"
          "+OK message deleted\r\n"
          "+OK\r\n");
    CHECK(r.stats.retrieved == 2);
    CHECK(r.stats.deleted == 1);
    CHECK(r.stats.deleted_bytes == 14);
  }
  // Pipelined replies are batched into one write, not one per command.
  for (auto& m : maildir->messages()) m.deleted = false;
  CHECK(RunTransaction(*maildir, input).writes == 1);
}

TEST_CASE("pop3 transaction: bad arguments and unknown commands", "[pop3d]") {
  TestMaildir md;
  md.Add("new/1000.A.h", "x\n");
  ms::UniqueFd dir(md.OpenDir());
  auto maildir = Maildir::Scan(dir.get());
  REQUIRE(maildir.ok());
  auto r = RunTransaction(*maildir,
                          "RETR\r\nRETR 0\r\nRETR 2\r\nRETR -1\r\nRETR 99999999999\r\nTOP 1\r\n"
                          "TOP 1 x\r\nLIST 1 2\r\nDELE\r\nUSER a\r\nLAST\r\nRETR 1\0\r\n"s);
  CHECK(!r.quit);
  CHECK(r.end == SessionEnd::kEof);
  CHECK(r.output ==
        "-ERR usage: RETR msg\r\n"
        "-ERR no such message\r\n"
        "-ERR no such message\r\n"
        "-ERR no such message\r\n"
        "-ERR no such message\r\n"
        "-ERR usage: TOP msg lines\r\n"
        "-ERR usage: TOP msg lines\r\n"
        "-ERR too many arguments\r\n"
        "-ERR usage: DELE msg\r\n"
        "-ERR already logged in\r\n"
        "-ERR unknown command\r\n"
        "-ERR control character in command\r\n");
}

TEST_CASE("pop3 transaction: a vanished message gives -ERR, the session goes on", "[pop3d]") {
  TestMaildir md;
  md.Add("new/1000.A.h", "x\n");
  ms::UniqueFd dir(md.OpenDir());
  auto maildir = Maildir::Scan(dir.get());
  REQUIRE(maildir.ok());
  std::filesystem::remove(md.path() + "/new/1000.A.h");
  auto r = RunTransaction(*maildir, "RETR 1\r\nNOOP\r\n");
  CHECK(r.output == "-ERR [SYS/TEMP] unable to open the message\r\n+OK\r\n");
}

TEST_CASE("pop3 transaction: a failed write ends the session without QUIT", "[pop3d]") {
  TestMaildir md;
  md.Add("new/1000.A.h", "x\n");
  ms::UniqueFd dir(md.OpenDir());
  auto maildir = Maildir::Scan(dir.get());
  REQUIRE(maildir.ok());
  TransactionSession session(*maildir);
  MemoryTransport t("DELE 1\r\nQUIT\r\n", 8);  // DELE alone in the first read
  t.set_fail_writes(true);
  LineReader reader(&t, true);
  Output out(t, 5);
  CHECK(ServeCommands(reader, out, 5, session) == SessionEnd::kWriteError);
  CHECK(!session.quit());
}

TEST_CASE("pop3 transaction: idle timeout says so and does not quit", "[pop3d]") {
  TestMaildir md;
  ms::UniqueFd dir(md.OpenDir());
  auto maildir = Maildir::Scan(dir.get());
  REQUIRE(maildir.ok());
  TransactionSession session(*maildir);
  MemoryTransport t("DELE 1\r\n");
  t.set_timeout_at_end(true);
  LineReader reader(&t, true);
  Output out(t, 5);
  CHECK(ServeCommands(reader, out, 5, session) == SessionEnd::kTimeout);
  CHECK(t.output() == "-ERR no such message\r\n-ERR autologout: idle for too long\r\n");
  CHECK(!session.quit());
}
