#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <sys/stat.h>

#include "fd.h"
#include "service/health.h"
#include "service/instance.h"

TEST_CASE("svstat lines", "[service]") {
  auto up = ms::setup::ParseSvstatLine("/s/smtpd: up (pid 12) 34 seconds");
  CHECK(up.ok);
  CHECK(up.what == "service /s/smtpd");
  auto restarting = ms::setup::ParseSvstatLine("/s/smtpd: up (pid 12) 0 seconds");
  CHECK_FALSE(restarting.ok);
  auto down = ms::setup::ParseSvstatLine("/s/send: down 5 seconds, normally up");
  CHECK_FALSE(down.ok);
  // Kept off by its down file (an optional service: userdb, qmqpd): fine.
  auto off = ms::setup::ParseSvstatLine("/s/userdb: down 5 seconds");
  CHECK(off.ok);
  auto off_qmqpd = ms::setup::ParseSvstatLine("/s/qmqpd: down 5 seconds");
  CHECK(off_qmqpd.ok);
  CHECK(off_qmqpd.detail.find("down file") != std::string::npos);
  auto broken = ms::setup::ParseSvstatLine("/s/pop3d: unable to open supervise/ok: file does not exist");
  CHECK_FALSE(broken.ok);
  auto garbage = ms::setup::ParseSvstatLine(std::string("\0\x01zz", 4));
  CHECK_FALSE(garbage.ok);
}

TEST_CASE("WriteIfChanged leaves an identical file alone", "[service]") {
  char tmpl[] = "/tmp/ms-setup-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  std::string path = std::string(tmpl) + "/run";
  REQUIRE(ms::setup::WriteIfChanged(path, "#!/bin/sh\n", 0755).ok());
  struct stat before;
  REQUIRE(::stat(path.c_str(), &before) == 0);
  REQUIRE(ms::setup::WriteIfChanged(path, "#!/bin/sh\n", 0755).ok());
  struct stat after;
  REQUIRE(::stat(path.c_str(), &after) == 0);
  CHECK(before.st_ino == after.st_ino);  // not replaced
  REQUIRE(ms::setup::WriteIfChanged(path, "#!/bin/sh\nexit 0\n", 0755).ok());
  CHECK(*ms::ReadFile(path) == "#!/bin/sh\nexit 0\n");
  std::system(("rm -rf " + std::string(tmpl)).c_str());
}
