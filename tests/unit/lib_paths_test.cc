#include <catch2/catch.hpp>

#include "lib_test_util.h"
#include "paths.h"

using ms::test::ScopedEnv;

namespace {

// The prefix the build compiled in: the first line of conf-prefix (the
// tests run from the top of the tree).
std::string ConfPrefix() {
  std::ifstream in("conf-prefix");
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

TEST_CASE("paths: production defaults", "[lib][paths]") {
  ScopedEnv a("MAILSUITE_CONTROL", std::nullopt), b("MAILSUITE_QUEUE", std::nullopt),
      c("MAILSUITE_USERS", std::nullopt), d("MAILSUITE_BIN", std::nullopt);
  CHECK(ms::ControlDir() == "/etc/mailsuite/control");
  CHECK(ms::QueueDir() == "/var/spool/mailsuite");
  CHECK(ms::UsersFile() == "/etc/mailsuite/users");
  std::string prefix = ConfPrefix();
  REQUIRE(!prefix.empty());
  CHECK(ms::BinDir() == prefix + "/bin");
  CHECK(ms::ProgramPath("mailsuite-queue") == prefix + "/bin/mailsuite-queue");
}

TEST_CASE("paths: MAILSUITE_* overrides", "[lib][paths]") {
  ScopedEnv a("MAILSUITE_CONTROL", "/t/control"), b("MAILSUITE_QUEUE", "/t/queue"),
      c("MAILSUITE_USERS", "/t/users"), d("MAILSUITE_BIN", "/t/bin");
  CHECK(ms::ControlDir() == "/t/control");
  CHECK(ms::QueueDir() == "/t/queue");
  CHECK(ms::UsersFile() == "/t/users");
  CHECK(ms::BinDir() == "/t/bin");
  CHECK(ms::ProgramPath("mailsuite-send") == "/t/bin/mailsuite-send");
}

TEST_CASE("paths: an empty override means the default", "[lib][paths]") {
  ScopedEnv a("MAILSUITE_CONTROL", ""), b("MAILSUITE_QUEUE", "");
  CHECK(ms::ControlDir() == "/etc/mailsuite/control");
  CHECK(ms::QueueDir() == "/var/spool/mailsuite");
}
