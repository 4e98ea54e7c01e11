// lib/queue_helper_client: the client side of the queue helper protocol
// (smtpd/QUEUE_HELPER.md), against a helper played by a thread on the
// other end of a real SOCK_SEQPACKET pair: ready packets good and bad, a
// message whole, a refusal, an abort, a helper that stops reading or dies.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include "fd.h"
#include "fd_passing.h"
#include "queue_helper_client.h"

namespace {

struct Pair {
  ms::UniqueFd client, helper;
  Pair() {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
    client = ms::UniqueFd(sv[0]);
    helper = ms::UniqueFd(sv[1]);
  }
};

void Send(int fd, const std::string& packet) {
  REQUIRE(::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(packet.size()));
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// What the thread playing the helper saw of one message.
struct Seen {
  std::string packet, message, envelope;
};

// One message as the helper: the Q packet and its two pipes, then
// answer(seen) decides the reply byte (-1: close the socket instead).
void ServeOne(int socket, Seen* seen, const std::function<int(Seen&)>& answer,
              bool close_message_early = false) {
  ms::UniqueFd message, envelope;
  bool eof = false;
  if (!ms::ReceiveWithFds(socket, 16, &seen->packet, &message, &envelope, &eof)) return;
  if (close_message_early) {
    message.reset();
  } else {
    seen->message = ReadAll(message.get());
  }
  seen->envelope = ReadAll(envelope.get());
  int code = answer(*seen);
  if (code < 0) {
    ::shutdown(socket, SHUT_RDWR);
    return;
  }
  unsigned char byte = static_cast<unsigned char>(code);
  ::send(socket, &byte, 1, MSG_NOSIGNAL);
}

// A client that adopted the helper this test plays on helper.
struct Adopted {
  Pair pair;
  ms::QueueHelperClient client;
  explicit Adopted(const std::string& ready) {
    Send(pair.helper.get(), ready);
    REQUIRE(client.Adopt(std::move(pair.client)));
  }
  int helper() const { return pair.helper.get(); }
};

const std::string kEnvelope = std::string("Fa@b.test\0Tc@d.test\0\0", 21);

}  // namespace

TEST_CASE("QueueHelperClient adopts only a helper that says R<pid>") {
  for (const std::string& bad : {std::string("X123"), std::string("R"), std::string("Rabc"),
                                 std::string("R99999999999")}) {
    Pair p;
    Send(p.helper.get(), bad);
    ms::QueueHelperClient client;
    CHECK_FALSE(client.Adopt(std::move(p.client)));
    CHECK_FALSE(client.Alive());
  }
  Pair closed;
  closed.helper.reset();
  ms::QueueHelperClient gone;
  CHECK_FALSE(gone.Adopt(std::move(closed.client)));
  Pair good;
  Send(good.helper.get(), "R4242");
  ms::QueueHelperClient client;
  REQUIRE(client.Adopt(std::move(good.client)));
  CHECK(client.pid() == 4242);
  CHECK(client.Alive());
}

TEST_CASE("HelperSubmission: the message and envelope whole, the helper's code as the verdict") {
  ::signal(SIGPIPE, SIG_IGN);
  Adopted a("R77");
  ms::QueueHelperClient& client = a.client;
  std::string big(300000, 'x');  // more than a pipe holds: streamed while the helper reads
  Seen seen;
  std::thread helper([&] { ServeOne(a.helper(), &seen, [](Seen&) { return 0; }); });
  {
    ms::HelperSubmission message(&client);
    REQUIRE(message.Start());
    CHECK(message.Write("Received: x\n"));
    CHECK(message.Write(big));
    ms::QueueVerdict verdict = message.Finish(kEnvelope);
    helper.join();
    CHECK(verdict.queued);
  }
  CHECK(seen.packet == "Q");
  CHECK(seen.message == "Received: x\n" + big);
  CHECK(seen.envelope == kEnvelope);
  // A refusal (31) is permanent; the helper stays for the next message.
  std::thread refuse([&] { ServeOne(a.helper(), &seen, [](Seen&) { return 31; }); });
  ms::HelperSubmission second(&client);
  REQUIRE(second.Start());
  second.Write("Subject: no\n");
  ms::QueueVerdict verdict = second.Finish(kEnvelope);
  refuse.join();
  CHECK_FALSE(verdict.queued);
  CHECK(verdict.permanent);
  CHECK(client.Alive());
}

TEST_CASE("HelperSubmission::Abort sends no envelope and waits for the helper") {
  Adopted a("R5");
  ms::QueueHelperClient& client = a.client;
  Seen seen;
  std::thread helper([&] { ServeOne(a.helper(), &seen, [](Seen& s) { return s.envelope.empty() ? 54 : 0; }); });
  {
    ms::HelperSubmission message(&client);
    REQUIRE(message.Start());
    message.Write("half a message");
    message.Abort();
  }
  helper.join();
  CHECK(seen.message == "half a message");
  CHECK(seen.envelope.empty());
  CHECK(client.Alive());
}

TEST_CASE("A helper that stops reading: the failed write wins over its exit 0") {
  ::signal(SIGPIPE, SIG_IGN);
  Adopted a("R6");
  ms::QueueHelperClient& client = a.client;
  Seen seen;
  std::thread helper([&] { ServeOne(a.helper(), &seen, [](Seen&) { return 0; }, true); });
  ms::HelperSubmission message(&client);
  REQUIRE(message.Start());
  bool wrote = true;
  for (int i = 0; i < 64 && wrote; ++i) wrote = message.Write(std::string(65536, 'y'));
  CHECK_FALSE(wrote);
  ms::QueueVerdict verdict = message.Finish(kEnvelope);
  helper.join();
  CHECK_FALSE(verdict.queued);
  CHECK_FALSE(verdict.permanent);
  CHECK(verdict.write_failed);
}

TEST_CASE("A helper that dies before its answer: temporary, and it is given up") {
  Adopted a("R8");
  ms::QueueHelperClient& client = a.client;
  Seen seen;
  std::thread helper([&] { ServeOne(a.helper(), &seen, [](Seen&) { return -1; }); });
  ms::HelperSubmission message(&client);
  REQUIRE(message.Start());
  message.Write("Subject: x\n");
  ms::QueueVerdict verdict = message.Finish(kEnvelope);
  helper.join();
  CHECK_FALSE(verdict.queued);
  CHECK_FALSE(verdict.permanent);
  CHECK(client.pid() == -1);
  CHECK_FALSE(client.Alive());
  // The next message cannot start: the caller execs the queue program.
  ms::HelperSubmission next(&client);
  CHECK_FALSE(next.Start());
}
