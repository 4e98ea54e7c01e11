#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <thread>

#include "fd.h"
#include "lib_test_util.h"

TEST_CASE("fd: UniqueFd closes, moves, releases", "[lib][fd]") {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    ms::UniqueFd a(raw);
    ms::UniqueFd b(std::move(a));
    CHECK(!a.valid());
    CHECK(b.get() == raw);
    ms::UniqueFd c;
    c = std::move(b);
    CHECK(c.get() == raw);
  }
  CHECK(::fcntl(raw, F_GETFD) == -1);
  int raw2 = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ms::UniqueFd d(raw2);
  CHECK(d.release() == raw2);
  CHECK(!d.valid());
  CHECK(::fcntl(raw2, F_GETFD) != -1);
  ::close(raw2);
}

TEST_CASE("fd: MakePipe gives close-on-exec ends; WriteAll/ReadAll move big data", "[lib][fd]") {
  ms::UniqueFd r, w;
  REQUIRE(ms::MakePipe(&r, &w));
  CHECK((::fcntl(r.get(), F_GETFD) & FD_CLOEXEC) != 0);
  CHECK((::fcntl(w.get(), F_GETFD) & FD_CLOEXEC) != 0);
  std::string big(5 * 1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131);
  std::string got = "prefix";
  std::thread reader([&] { CHECK(ms::ReadAll(r.get(), &got)); });
  CHECK(ms::WriteAll(w.get(), big));
  w.reset();
  reader.join();
  CHECK(got == "prefix" + big);
  CHECK(!ms::WriteAll(-1, "x"));
}

TEST_CASE("fd: ReadFile errors name the file, ENOENT is distinguishable", "[lib][fd]") {
  ms::test::TempDir dir;
  auto missing = ms::ReadFile(dir / "missing");
  REQUIRE(!missing.ok());
  CHECK(missing.error().code == ENOENT);
  CHECK_THAT(missing.error().message, Catch::Contains(dir / "missing"));
  auto isdir = ms::ReadFile(dir.path());
  REQUIRE(!isdir.ok());
  CHECK(isdir.error().code == EISDIR);
  dir.Write("f", std::string("a\0b", 3));
  CHECK(*ms::ReadFile(dir / "f") == std::string("a\0b", 3));
  dir.Write("empty", "");
  CHECK(ms::ReadFile(dir / "empty")->empty());
  std::string big(3 * 1024 * 1024 + 1, 'z');
  dir.Write("big", big);
  CHECK(*ms::ReadFile(dir / "big") == big);
  // Files whose size stat cannot tell (procfs says 0) are read to the end.
  auto proc = ms::ReadFile("/proc/self/status");
  REQUIRE(proc.ok());
  CHECK(proc->find("Pid:") != std::string::npos);
}

TEST_CASE("fd: WriteFileAtomic replaces whole files", "[lib][fd]") {
  ms::test::TempDir dir;
  REQUIRE(ms::WriteFileAtomic(dir / "f", "first", 0640).ok());
  CHECK(dir.Read("f") == "first");
  REQUIRE(ms::WriteFileAtomic(dir / "f", "second, longer", 0600).ok());
  CHECK(dir.Read("f") == "second, longer");
  struct stat st;
  REQUIRE(::stat((dir / "f").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  size_t entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);  // no temp file left behind
  auto bad = ms::WriteFileAtomic(dir / "no/such/dir/f", "x", 0600);
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("no/such/dir"));
  CHECK(ms::SyncDirectory(dir.path()));
  CHECK(!ms::SyncDirectory(dir / "missing"));
}
