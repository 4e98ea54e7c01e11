#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "send/spawner.h"

using namespace ms::send;
using namespace std::string_literals;

TEST_CASE("spawn request round trip", "[send][spawner]") {
  SpawnRequest r;
  r.job = 42;
  r.uid = 1000;
  r.gid = 100;
  r.quota = "1000S,10C";
  r.args = {"joe", "/home/joe", "joe", "", "", "example.test", "", "./Maildir/"};
  auto d = DecodeSpawnRequest(EncodeSpawnRequest(r));
  REQUIRE(d);
  CHECK(d->job == 42);
  CHECK(d->uid == 1000);
  CHECK(d->gid == 100);
  CHECK(d->quota == "1000S,10C");
  CHECK(d->args == r.args);
}

TEST_CASE("spawn request rejects malformed data", "[send][spawner]") {
  CHECK_FALSE(DecodeSpawnRequest(""));
  CHECK_FALSE(DecodeSpawnRequest("1\0002\0003"s));           // no final NUL
  CHECK_FALSE(DecodeSpawnRequest("1\0002\0"s));              // too few fields
  CHECK_FALSE(DecodeSpawnRequest("1\0002\0003\0"s));         // no quota field
  CHECK_FALSE(DecodeSpawnRequest("x\0002\0003\0"s));
  CHECK_FALSE(DecodeSpawnRequest("1\0-2\0003\0"s));
  CHECK_FALSE(DecodeSpawnRequest("1\0004294967296\0003\0"s));  // uid over 32 bits
  CHECK_FALSE(DecodeSpawnRequest("99999999999999999999999\0001\0001\0"s));
  CHECK(DecodeSpawnRequest("1\0002\0003\0\0"s));
  CHECK(DecodeSpawnRequest("1\0002\0003\0\0\0\0"s)->args.size() == 2);
}

TEST_CASE("spawn reply round trip and garbage", "[send][spawner]") {
  auto d = DecodeSpawnReply(EncodeSpawnReply({7, 111 << 8}));
  REQUIRE(d);
  CHECK(d->job == 7);
  CHECK(d->wait_status == (111 << 8));
  CHECK_FALSE(DecodeSpawnReply(""));
  CHECK_FALSE(DecodeSpawnReply("7"));
  CHECK_FALSE(DecodeSpawnReply("7 x"));
  CHECK_FALSE(DecodeSpawnReply(" 7"));
  CHECK_FALSE(DecodeSpawnReply("7 1 2"));
}

TEST_CASE("a spawner runs the program with the fds given and reports its status", "[send][spawner]") {
  SpawnerOptions o;
  o.program = "/bin/sh";
  auto client = StartSpawner(o);
  REQUIRE(client);
  ms::UniqueFd in_r, in_w, out_r, out_w;
  REQUIRE(ms::MakePipe(&in_r, &in_w));
  REQUIRE(ms::MakePipe(&out_r, &out_w));
  ms::WriteAll(in_w.get(), "input-data");
  in_w.reset();
  SpawnRequest r;
  r.job = 5;
  r.quota = "5000S,5C";  // reaches the deliverer as MAILSUITE_QUOTA
  r.args = {"-c", "cat; echo \" $1 $MAILSUITE_QUOTA\"; exit 3", "sh", "arg1"};
  REQUIRE(client->Send(r, in_r.get(), out_w.get()));
  in_r.reset();
  out_w.reset();
  std::string output;
  REQUIRE(ms::ReadAll(out_r.get(), &output));
  CHECK(output == "input-data arg1 5000S,5C\n");
  std::optional<SpawnReply> reply;
  for (int i = 0; i < 500 && !reply; ++i) {
    bool eof = false;
    reply = client->Receive(&eof);
    REQUIRE_FALSE(eof);
    if (!reply) ::usleep(10000);
  }
  REQUIRE(reply);
  CHECK(reply->job == 5);
  CHECK(WIFEXITED(reply->wait_status));
  CHECK(WEXITSTATUS(reply->wait_status) == 3);
  pid_t pid = client->pid();
  *client = SpawnerClient();  // closing our end makes it exit
  int status = 0;
  CHECK(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the switching spawner never runs anything as root", "[send][spawner]") {
  if (::geteuid() != 0) {
    SUCCEED("needs root to switch users");
    return;
  }
  SpawnerOptions o;
  o.program = "/bin/sh";
  o.switch_user = true;
  auto client = StartSpawner(o);
  REQUIRE(client);
  auto run = [&](uid_t uid, gid_t gid, std::string* output) {
    ms::UniqueFd in_r, in_w, out_r, out_w;
    REQUIRE(ms::MakePipe(&in_r, &in_w));
    REQUIRE(ms::MakePipe(&out_r, &out_w));
    in_w.reset();
    SpawnRequest r;
    r.job = uid + 1;
    r.uid = uid;
    r.gid = gid;
    r.args = {"-c", "id -u; id -G"};
    REQUIRE(client->Send(r, in_r.get(), out_w.get()));
    out_w.reset();
    REQUIRE(ms::ReadAll(out_r.get(), output));
    std::optional<SpawnReply> reply;
    for (int i = 0; i < 500 && !reply; ++i) {
      bool eof = false;
      reply = client->Receive(&eof);
      if (!reply) ::usleep(10000);
    }
    REQUIRE(reply);
    return reply->wait_status;
  };
  std::string out;
  int status = run(0, 0, &out);
  CHECK(WEXITSTATUS(status) == 111);
  CHECK(out == "refusing to deliver as root (#4.3.0)\n");
  out.clear();
  status = run(65534, 65534, &out);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(out == "65534\n65534\n");  // the uid, and only that one group
}
