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

// The same facts, found the way an operator would: ext4's magic with the
// ext4 driver's /sys/fs/ext4/<device>, and a journal when its journal_task
// is not "<none>".
std::string Ext4Sysfs(const struct stat& st) {
  char target[512] = {};
  std::string link = "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" +
                     std::to_string(minor(st.st_dev));
  if (::readlink(link.c_str(), target, sizeof target - 1) <= 0) return "";
  std::string device(target);
  std::string dir = "/sys/fs/ext4/" + device.substr(device.rfind('/') + 1);
  struct stat d;
  return ::stat(dir.c_str(), &d) == 0 && S_ISDIR(d.st_mode) ? dir : "";
}

enum class Fs { kOther, kExt4NoJournal, kJournaled };

Fs Classify(int fd) {
  struct statfs fs;
  struct stat st;
  if (::fstatfs(fd, &fs) != 0 || ::fstat(fd, &st) != 0) return Fs::kOther;
  if (fs.f_type == 0x58465342) return Fs::kJournaled;
  if (fs.f_type != 0xEF53) return Fs::kOther;
  std::string dir = Ext4Sysfs(st);
  if (dir.empty()) return Fs::kOther;
  std::ifstream task(dir + "/journal_task");
  std::string line;
  bool journal = std::getline(task, line) && !line.empty() && line.rfind("<none>", 0) != 0;
  return journal ? Fs::kJournaled : Fs::kExt4NoJournal;
}

bool OnExt4OrXfs(int fd) { return Classify(fd) == Fs::kJournaled; }
bool OnExt4DriverOrXfs(int fd) { return Classify(fd) != Fs::kOther; }

}  // namespace

TEST_CASE("durability: ext4 and XFS only, unless the operator says otherwise",
          "[lib][durability]") {
  ms::test::TempDir control;
  ms::test::ScopedEnv env("MAILSUITE_CONTROL", control.path());
  ms::test::TempDir data;
  ms::UniqueFd fd(::open(data.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(fd.valid());
  CHECK(ms::MetadataJournaledInOrder(fd.get()) == OnExt4OrXfs(fd.get()));
  CHECK(ms::FsyncCommitsNewName(fd.get()) == OnExt4DriverOrXfs(fd.get()));
  std::ofstream(control.path() + "/fsyncdirectories") << "1\n";
  CHECK_FALSE(ms::MetadataJournaledInOrder(fd.get()));
  CHECK_FALSE(ms::FsyncCommitsNewName(fd.get()));
  std::ofstream(control.path() + "/fsyncdirectories") << "nonsense\n";
  CHECK_FALSE(ms::MetadataJournaledInOrder(fd.get()));  // unreadable: the safe way
  CHECK_FALSE(ms::FsyncCommitsNewName(fd.get()));
  std::ofstream(control.path() + "/fsyncdirectories") << "0\n";
  CHECK(ms::MetadataJournaledInOrder(fd.get()) == OnExt4OrXfs(fd.get()));
  CHECK(ms::FsyncCommitsNewName(fd.get()) == OnExt4DriverOrXfs(fd.get()));
}

TEST_CASE("durability: tmpfs and pipes are never trusted", "[lib][durability]") {
  ms::UniqueFd shm(::open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (shm.valid() && !OnExt4DriverOrXfs(shm.get())) {
    CHECK_FALSE(ms::MetadataJournaledInOrder(shm.get()));
    CHECK_FALSE(ms::FsyncCommitsNewName(shm.get()));
  }
  int p[2];
  REQUIRE(::pipe(p) == 0);
  ms::UniqueFd r(p[0]), w(p[1]);
  CHECK_FALSE(ms::MetadataJournaledInOrder(r.get()));
  CHECK_FALSE(ms::MetadataJournaledInOrder(-1));
  CHECK_FALSE(ms::FsyncCommitsNewName(r.get()));
  CHECK_FALSE(ms::FsyncCommitsNewName(-1));
}
