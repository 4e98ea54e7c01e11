#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "durability.h"
#include "fd.h"
#include "lib_test_util.h"

namespace {

// The same facts, found the way an operator would: ext4 only with a
// journal thread (journal_task is "<none>" without a journal).
bool OnExt4OrXfs(int fd) {
  struct statfs fs;
  struct stat st;
  if (::fstatfs(fd, &fs) != 0 || ::fstat(fd, &st) != 0) return false;
  if (fs.f_type == 0x58465342) return true;
  if (fs.f_type != 0xEF53) return false;
  char target[512] = {};
  std::string link = "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" +
                     std::to_string(minor(st.st_dev));
  if (::readlink(link.c_str(), target, sizeof target - 1) <= 0) return false;
  std::string device(target);
  std::ifstream task("/sys/fs/ext4/" + device.substr(device.rfind('/') + 1) + "/journal_task");
  std::string line;
  return static_cast<bool>(std::getline(task, line)) && !line.empty() && line.rfind("<none>", 0) != 0;
}

}  // namespace

TEST_CASE("durability: journaled ext4/XFS only, unless the operator says otherwise",
          "[lib][durability]") {
  ms::test::TempDir control;
  ms::test::ScopedEnv env("MAILSUITE_CONTROL", control.path());
  ms::test::TempDir data;
  ms::UniqueFd fd(::open(data.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(fd.valid());
  CHECK(ms::MetadataJournaledInOrder(fd.get()) == OnExt4OrXfs(fd.get()));
  std::ofstream(control.path() + "/fsyncdirectories") << "1\n";
  CHECK_FALSE(ms::MetadataJournaledInOrder(fd.get()));
  std::ofstream(control.path() + "/fsyncdirectories") << "nonsense\n";
  CHECK_FALSE(ms::MetadataJournaledInOrder(fd.get()));  // unreadable: the safe way
  std::ofstream(control.path() + "/fsyncdirectories") << "0\n";
  CHECK(ms::MetadataJournaledInOrder(fd.get()) == OnExt4OrXfs(fd.get()));
}

TEST_CASE("durability: tmpfs and pipes are never trusted", "[lib][durability]") {
  ms::UniqueFd shm(::open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (shm.valid() && !OnExt4OrXfs(shm.get())) CHECK_FALSE(ms::MetadataJournaledInOrder(shm.get()));
  int p[2];
  REQUIRE(::pipe(p) == 0);
  ms::UniqueFd r(p[0]), w(p[1]);
  CHECK_FALSE(ms::MetadataJournaledInOrder(r.get()));
  CHECK_FALSE(ms::MetadataJournaledInOrder(-1));
}
