#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "control/cdb_build.h"
#include "lib_test_util.h"

TEST_CASE("control: mailsuite-newmrh compiles morercpthosts", "[control][newmrh]") {
  ms::test::TempDir dir;
  ms::Control c(dir.path());
  dir.Write("morercpthosts", "# more\nExample.COM\n.sub.example.org  \n\n");
  REQUIRE(ms::control::CompileMoreRcptHosts(dir.path()).ok());
  CHECK(*c.CdbContains("morercpthosts.cdb", "example.com"));
  CHECK(*c.CdbContains("morercpthosts.cdb", ".sub.example.org"));
  CHECK(!*c.CdbContains("morercpthosts.cdb", "# more"));
  struct stat st;
  REQUIRE(::stat((dir / "morercpthosts.cdb").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  // Recompiling replaces the table (entries removed are gone).
  dir.Write("morercpthosts", "other.example\n");
  REQUIRE(ms::control::CompileMoreRcptHosts(dir.path()).ok());
  CHECK(!*c.CdbContains("morercpthosts.cdb", "example.com"));
  CHECK(*c.CdbContains("morercpthosts.cdb", "other.example"));
  // No source file: an empty table.
  ::unlink((dir / "morercpthosts").c_str());
  REQUIRE(ms::control::CompileMoreRcptHosts(dir.path()).ok());
  CHECK(!*c.CdbContains("morercpthosts.cdb", "other.example"));
  // Unwritable destination: an error, and the old table is kept.
  CHECK(!ms::control::CompileMoreRcptHosts(dir / "nonexistent").ok());
}
