#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "send/config.h"

using namespace ms::send;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/send-config-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(path + "/" + name) << text;
  }
};
}  // namespace

TEST_CASE("send config defaults follow qmail", "[send][config]") {
  TempDir d;
  d.Write("me", "mx.example.test\n");
  auto c = LoadSendConfig(ms::Control(d.path));
  REQUIRE(c);
  CHECK(c->locals == std::vector<std::string>{"mx.example.test"});
  CHECK(c->envnoathost == "mx.example.test");
  CHECK(c->bouncefrom == "MAILER-DAEMON");
  CHECK(c->bouncehost == "mx.example.test");
  CHECK(c->doublebounceto == "postmaster");
  CHECK(c->doublebouncehost == "mx.example.test");
  CHECK(c->concurrencylocal == 10);
  CHECK(c->concurrencyremote == 20);
  CHECK(c->queuelifetime == 604800);
  CHECK(c->queuescan == 300);
  CHECK(c->virtualdomains.empty());
}

TEST_CASE("send config reads the files and rejects bad numbers", "[send][config]") {
  TempDir d;
  d.Write("me", "mx.example.test\n");
  d.Write("locals", "# comment\nExample.TEST\nother.test  \n");
  d.Write("virtualdomains", "virt.test:v\n.Wild.test:w\n");
  d.Write("concurrencylocal", "3\n");
  d.Write("bouncehost", "bounces.example.test\n");
  auto c = LoadSendConfig(ms::Control(d.path));
  REQUIRE(c);
  CHECK(c->locals == std::vector<std::string>{"example.test", "other.test"});
  REQUIRE(c->virtualdomains.size() == 2);
  CHECK(c->virtualdomains[1].key == ".wild.test");
  CHECK(c->virtualdomains[1].prepend == "w");
  CHECK(c->concurrencylocal == 3);
  CHECK(c->bouncehost == "bounces.example.test");
  d.Write("concurrencylocal", "lots\n");
  auto bad = LoadSendConfig(ms::Control(d.path));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("concurrencylocal") != std::string::npos);
  d.Write("concurrencylocal", "0\n");
  CHECK_FALSE(LoadSendConfig(ms::Control(d.path)));
}
