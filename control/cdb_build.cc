#include "control/cdb_build.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "utf8_address.h"
#include "control.h"
#include "fd.h"

extern "C" {
#include <cdb_make.h>
}

namespace ms::control {

namespace {

Status Fail(const std::string& what, const std::string& path) {
  return MakeError("unable to " + what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status WriteCdbAtomic(const std::string& path, const std::vector<CdbRecord>& records, int mode) {
  std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) return Fail("create", tmp);
  // cdb_make is ~12 KiB of buffers: heap, not stack.
  auto maker = std::make_unique<struct cdb_make>();
  // libowfat's cdb_make_start returns the seek position: only < 0 fails.
  bool ok = cdb_make_start(maker.get(), fd.get()) >= 0;
  for (size_t i = 0; ok && i < records.size(); ++i) {
    const auto& r = records[i];
    ok = cdb_make_add(maker.get(), reinterpret_cast<const unsigned char*>(r.key.data()),
                      r.key.size(), reinterpret_cast<const unsigned char*>(r.data.data()),
                      r.data.size()) == 0;
  }
  ok = ok && cdb_make_finish(maker.get()) == 0 && ::fchmod(fd.get(), static_cast<mode_t>(mode)) == 0 &&
       ::fsync(fd.get()) == 0;
  if (!ok) {
    Status failed = Fail("write", tmp);
    ::unlink(tmp.c_str());
    return failed;
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status failed = Fail("rename to", path);
    ::unlink(tmp.c_str());
    return failed;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  if (!SyncDirectory(dir)) return Fail("sync directory", dir);
  return Ok{};
}

Status CompileMoreRcptHosts(const std::string& control_dir) {
  Control control(control_dir);
  auto hosts = control.Lines("morercpthosts");
  if (!hosts) return hosts.error();
  std::vector<CdbRecord> records;
  records.reserve(hosts->size());
  // Internationalised domains as A-labels: smtpd looks them up so.
  for (const auto& h : *hosts) records.push_back({ComparableDomain(h), ""});
  return WriteCdbAtomic(control.PathOf("morercpthosts.cdb"), records, 0644);
}

}  // namespace ms::control
