#include "local/maildir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "durability.h"
#include "fd.h"
#include "unnamed_file.h"

namespace ms::local {
namespace {

Error Temporary(std::string_view what, const std::string& path) {
  return MakeError(std::string(what) + " " + path + ": " + std::strerror(errno) + ". (#4.2.1)", 111);
}

unsigned delivered_files = 0;  // for Q<n>: several Maildirs in one run

std::string UniqueName(uint64_t size) {
  struct timeval tv;
  ::gettimeofday(&tv, nullptr);
  std::string name = std::to_string(tv.tv_sec) + ".M" + std::to_string(tv.tv_usec) + "P" + std::to_string(::getpid());
  if (++delivered_files > 1) name += "Q" + std::to_string(delivered_files);
  static const std::string host = MaildirHostName();
  return name + "." + host + ",S=" + std::to_string(size);
}

// Whether the fsync of new/ may be left out: the scheduler records our
// success by removing (or appending to and fdatasyncing) the queue file we
// read from.  When that file lives on the same filesystem as the Maildir
// and the filesystem journals metadata in order, that later change cannot
// reach the disk before our rename or link does — so a crash never leaves the
// message neither in new/ nor in the queue (local/README.md "Maildir").
bool RenameIsOrderedBeforeQueueRemoval(int maildir, const Message& message) {
  struct stat st;
  return message.queue_device() && ::fstat(maildir, &st) == 0 &&
         st.st_dev == *message.queue_device() && MetadataJournaledInOrder(maildir);
}

// Makes the name `new/NAME` durable once it exists, unless a crash cannot
// lose the message without it (RenameIsOrderedBeforeQueueRemoval).
// `file` is the delivered file when we still hold it (its fsync writes
// its new link count and, on ext4, new/ too), else -1.
Status SyncNewName(int maildir, const std::string& path, int file, const Message& message) {
  if (RenameIsOrderedBeforeQueueRemoval(maildir, message)) return Ok{};
  if (file >= 0) {
    if (::fsync(file) != 0) return Temporary("Unable to fsync", path + "new/");
    if (FsyncCommitsNewName(file)) return Ok{};
  }
  UniqueFd new_dir(::openat(maildir, "new", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!new_dir.valid() || ::fsync(new_dir.get()) != 0) return Temporary("Unable to fsync", path + "new/");
  return Ok{};
}

// The delivery through an unnamed file in tmp/.  False (nothing left
// behind) when this filesystem or kernel cannot do it.
Result<bool> DeliverUnnamed(int maildir, const std::string& path, uint64_t size,
                            std::string_view prefix, const Message& message) {
  UniqueFd file = OpenUnnamed(maildir, "tmp", 0600);
  if (!file.valid()) {
    if (UnnamedUnsupported(errno)) return false;
    return Temporary("Unable to create a file in", path + "tmp/");
  }
  if (!WriteAll(file.get(), prefix)) return Temporary("Unable to write", path + "tmp/");
  if (Status s = message.CopyTo(file.get()); !s.ok())
    return MakeError("Unable to write " + path + "tmp/: " + s.error().message, 111);
  if (::fsync(file.get()) != 0) return Temporary("Unable to fsync", path + "tmp/");
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string dest = "new/" + UniqueName(size);
    switch (LinkUnnamed(file.get(), maildir, dest.c_str())) {
      case LinkResult::kLinked:
        if (Status s = SyncNewName(maildir, path, file.get(), message); !s.ok()) return s.error();
        return true;
      case LinkResult::kNameTaken:
        continue;
      case LinkResult::kRefused:
        return false;  // the classic way
      case LinkResult::kFailed:
        return Temporary("Unable to link into", path + "new/");
    }
  }
  return Temporary("Unable to find a free name in", path + "new/");
}

// qmail's delivery: a named file in tmp/, fsync, rename into new/.
Status DeliverThroughTmp(int maildir, const std::string& path, uint64_t size,
                         std::string_view prefix, const Message& message) {
  std::string name;
  std::string tmp;
  UniqueFd file;
  for (int attempt = 0; attempt < 3 && !file.valid(); ++attempt) {
    name = UniqueName(size);
    tmp = "tmp/" + name;
    file.reset(::openat(maildir, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!file.valid() && errno != EEXIST) break;
  }
  if (!file.valid()) return Temporary("Unable to create a file in", path + "tmp/");
  auto fail = [&](std::string_view what) {
    Error e = Temporary(what, path + tmp);
    ::unlinkat(maildir, tmp.c_str(), 0);
    return e;
  };
  if (!WriteAll(file.get(), prefix)) return fail("Unable to write");
  if (Status s = message.CopyTo(file.get()); !s.ok()) {
    ::unlinkat(maildir, tmp.c_str(), 0);
    return MakeError("Unable to write " + path + tmp + ": " + s.error().message, 111);
  }
  if (::fsync(file.get()) != 0) return fail("Unable to fsync");
  file.reset();
  std::string dest = "new/" + name;
  if (::renameat(maildir, tmp.c_str(), maildir, dest.c_str()) != 0) return fail("Unable to move into new/");
  return SyncNewName(maildir, path, -1, message);
}

}  // namespace

std::string MaildirHostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') std::strcpy(buf, "localhost");
  std::string out;
  for (const char* p = buf; *p; ++p) {
    if (*p == '/') out += "\\057";
    else if (*p == ':') out += "\\072";
    else out += *p;
  }
  return out;
}

Status DeliverMaildir(const std::string& path, std::string_view prefix, const Message& message,
                      const QuotaSpec& quota) {
  // The Maildir itself may be a symlink (mail kept elsewhere is common);
  // what matters is who owns the directory it resolves to.
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return Temporary("Unable to open maildir", path);
  struct stat st;
  if (::fstat(dir.get(), &st) != 0) return Temporary("Unable to stat maildir", path);
  if (st.st_uid != ::geteuid())
    return MakeError("Uh-oh: maildir " + path + " belongs to another user. (#4.7.0)", 111);
  uint64_t size = prefix.size() + message.length();
  // Without a quota an existing maildirsize is still kept up to date for
  // the mail readers; with neither, no quota file is touched.
  bool sized = !quota.none() || ::faccessat(dir.get(), "maildirsize", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  if (!quota.none()) {
    auto usage = CheckQuota(dir.get(), quota, size);
    if (!usage.ok()) return usage.error();
  }
  // The file is written and fsynced before it has a name, then linked
  // into new/: no tmp/ entry to create and remove, no rename between two
  // directories, and tmp/'s lock is not held while the filesystem looks
  // for a free inode.  Where O_TMPFILE or the link is not available, the
  // classic tmp/-then-rename delivery.
  auto delivered = DeliverUnnamed(dir.get(), path, size, prefix, message);
  if (!delivered.ok()) return delivered.error();
  if (!*delivered) {
    Status s = DeliverThroughTmp(dir.get(), path, size, prefix, message);
    if (!s.ok()) return s;
  }
  if (sized) RecordDelivery(dir.get(), size);
  return Ok{};
}

}  // namespace ms::local
