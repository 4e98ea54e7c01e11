#include "queue/queue_writer.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "durability.h"
#include "fd.h"
#include "queue/envelope_reader.h"
#include "queue/queue_exit.h"
#include "queue_layout.h"
#include "unnamed_file.h"

namespace ms::queue {

namespace {

// Constant memory whatever the message size.  Static, so it costs no
// allocation and only the pages a message touches.
constexpr size_t kBufferSize = 128 * 1024;
char g_buffer[kBufferSize];

// What the SIGALRM handler needs to clean up; plain C storage because
// only async-signal-safe code may look at it.
char g_tmp_path[PATH_MAX];
volatile sig_atomic_t g_tmp_exists = 0;
volatile sig_atomic_t g_committed = 0;

int64_t RealtimeUsec() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

Error Fail(int code, const std::string& what, int err) {
  return MakeError(what + ": " + std::strerror(err), code);
}

// Writes every iovec completely (a regular file only writes short when
// the disk fills, and then the next call reports the error).
bool WritevAll(int fd, struct iovec* iov, int count) {
  while (count > 0) {
    ssize_t n = ::writev(fd, iov, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t done = static_cast<size_t>(n);
    while (count > 0 && done >= iov->iov_len) {
      done -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + done;
      iov->iov_len -= done;
    }
  }
  return true;
}

// Fills g_buffer from fd starting at *used; true at end of file.
Result<bool> FillBuffer(int fd, size_t* used) {
  while (*used < kBufferSize) {
    ssize_t n = ::read(fd, g_buffer + *used, kBufferSize - *used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(kUnreadableInput, "unable to read the message", errno);
    }
    if (n == 0) return true;
    *used += static_cast<size_t>(n);
  }
  return false;
}

// The message's file until it is in mess/: unnamed where one fsync
// commits a new name (lib/unnamed_file.h, lib/durability.h), else named in
// tmp/ and removed again unless committed.
class TmpFile {
 public:
  ~TmpFile() {
    if (g_tmp_exists && !g_committed) ::unlink(g_tmp_path);
    g_tmp_exists = 0;
  }
  Status Create(const QueueLayout& layout, pid_t pid);
  // Gives the complete file the name `target` (mess/ID): a link of the
  // unnamed file, a rename of the named one.  errno on failure.
  LinkResult Publish(const std::string& target);
  // The link was refused (no /proc in a chroot on an older kernel): the
  // same bytes into a named file, which has another inode, so another id.
  Status CopyToNamed(const QueueLayout& layout, pid_t pid);
  int fd() const { return fd_.get(); }
  bool unnamed() const { return unnamed_; }
  // Whether fsyncing the file after Publish makes name and data durable.
  bool one_fsync() const { return one_fsync_; }
  const std::string& id() const { return id_; }
  int64_t created_sec() const { return created_usec_ / 1000000; }

 private:
  Status CreateNamed(const QueueLayout& layout, pid_t pid);
  Status TakeId(const char* what);

  UniqueFd fd_;
  bool unnamed_ = false;
  bool one_fsync_ = false;
  std::string id_;
  int64_t created_usec_ = 0;
};

Error CreateFailed(const QueueLayout& layout, const std::string& what, int err) {
  if (err == ENOSPC || err == EDQUOT) return Fail(kWriteError, "unable to create " + what, err);
  struct stat st;
  if (::stat(layout.root().c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Fail(kQueueRoot, "unable to use the queue " + layout.root(), err);
  return Fail(kQueueTmp, "unable to create " + what, err);
}

Status TmpFile::Create(const QueueLayout& layout, pid_t pid) {
  created_usec_ = RealtimeUsec();
  fd_ = OpenUnnamed(AT_FDCWD, layout.tmp().c_str(), 0640);
  if (!fd_.valid()) {
    if (!UnnamedUnsupported(errno)) return CreateFailed(layout, "a file in " + layout.tmp(), errno);
    return CreateNamed(layout, pid);
  }
  // Where the name needs a directory fsync of its own, qmail's order with
  // a named file (an unnamed one would need a third fsync, for its link
  // count).
  one_fsync_ = FsyncCommitsNewName(fd_.get());
  if (!one_fsync_) return CreateNamed(layout, pid);
  unnamed_ = true;
  return TakeId("a file in tmp/");
}

Status TmpFile::CreateNamed(const QueueLayout& layout, pid_t pid) {
  std::string path = layout.tmp() + "/" + std::to_string(pid) + "." +
                     std::to_string(created_usec_);
  if (path.size() >= sizeof g_tmp_path) return MakeError("queue path too long", kQueueRoot);
  std::memcpy(g_tmp_path, path.c_str(), path.size() + 1);
  fd_.reset(::open(g_tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (!fd_.valid()) return CreateFailed(layout, path, errno);
  g_tmp_exists = 1;
  unnamed_ = false;
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) return Fail(kQueueTmp, "unable to lock " + path, errno);
  one_fsync_ = FsyncCommitsNewName(fd_.get());
  return TakeId(g_tmp_path);
}

Status TmpFile::TakeId(const char* what) {
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return Fail(kQueueTmp, std::string("unable to stat ") + what, errno);
  id_ = MakeQueueId(st.st_ino, created_usec_);
  return Ok{};
}

Status TmpFile::CopyToNamed(const QueueLayout& layout, pid_t pid) {
  UniqueFd unnamed = std::move(fd_);
  struct stat st;
  if (::fstat(unnamed.get(), &st) != 0) return Fail(kWriteError, "unable to stat the message", errno);
  Status created = CreateNamed(layout, pid);
  if (!created) return created;
  if (!CopyRange(unnamed.get(), 0, static_cast<uint64_t>(st.st_size), fd_.get()))
    return Fail(kWriteError, "unable to write the message", errno);
  return Ok{};
}

LinkResult TmpFile::Publish(const std::string& target) {
  if (unnamed_) return LinkUnnamed(fd_.get(), AT_FDCWD, target.c_str());
  return ::rename(g_tmp_path, target.c_str()) == 0 ? LinkResult::kLinked : LinkResult::kFailed;
}

// After this the message is durable (FORMAT.md "Writing").  Where an fsync
// of the file also commits its newest directory entry (lib/durability.h:
// XFS, ext4 with or without a journal): link the unnamed file (or rename
// the named one) into mess/, then that one fsync, one cache flush.
// Postfix relies on the same.  Elsewhere, or with
// control/fsyncdirectories: fsync, rename, fsync mess/ (two flushes).
Status Commit(const QueueLayout& layout, TmpFile& file, pid_t pid) {
  bool sync_directory = !file.one_fsync();
  if (sync_directory && ::fsync(file.fd()) != 0)
    return Fail(kWriteError, "unable to sync the message", errno);
  std::string target;
  for (;;) {
    target = layout.MessPath(file.id());
    g_committed = 1;  // from here on a timeout must not remove anything
    LinkResult published = file.Publish(target);
    if (published == LinkResult::kLinked) break;
    int err = errno;
    g_committed = 0;
    if (published == LinkResult::kRefused) {
      Status copied = file.CopyToNamed(layout, pid);
      if (!copied) return copied;
      continue;
    }
    return Fail(kQueueMess, "unable to move the message into " + layout.mess(), err);
  }
  // Not durable: take the message back so that the sender's retry does
  // not deliver it twice.
  auto take_back = [&](int code, const std::string& what, int err) {
    ::unlink(target.c_str());
    return Fail(code, what, err);
  };
  if (!sync_directory) {
    if (::fsync(file.fd()) != 0) return take_back(kWriteError, "unable to sync the message", errno);
    return Ok{};
  }
  UniqueFd dir(::open(layout.mess().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::fsync(dir.get()) != 0)
    return take_back(kQueueMess, "unable to sync " + layout.mess(), errno);
  return Ok{};
}

std::string HeaderFor(const TmpFile& file, uint64_t message_length, uint64_t envelope_length) {
  QueueHeader h;
  h.message_length = message_length;
  h.envelope_offset = kQueueHeaderSize + message_length;
  h.envelope_length = envelope_length;
  h.queued_time = file.created_sec();
  return FormatQueueHeader(h);
}

}  // namespace

bool AbandonUncommittedFile() {
  if (g_committed) return false;
  if (g_tmp_exists) ::unlink(g_tmp_path);
  return true;
}

Result<Queued> WriteToQueue(const QueueRequest& request) {
  // A process may queue many messages (smtpd's queue helper): nothing of
  // the previous one may make the alarm spare or remove this one's file.
  g_committed = 0;
  g_tmp_exists = 0;
  const QueueLayout layout(request.queue_root);
  const std::string& received = request.received_line;
  if (kQueueHeaderSize + received.size() >= kBufferSize)
    return MakeError("Received line too long", kInternalBug);
  std::memset(g_buffer, ' ', kQueueHeaderSize);
  std::memcpy(g_buffer + kQueueHeaderSize, received.data(), received.size());
  size_t used = kQueueHeaderSize + received.size();
  uint64_t message_length = 0;

  auto eof = FillBuffer(request.message_fd, &used);
  if (!eof) return eof.error();
  TmpFile file;
  const bool streamed = !*eof;
  if (streamed) {
    // Too big to hold: stream it to disk through the buffer.
    Status created = file.Create(layout, request.pid);
    if (!created) return created.error();
    uint64_t written = 0;
    for (;;) {
      if (!WriteAll(file.fd(), std::string_view(g_buffer, used)))
        return Fail(kWriteError, "unable to write the message", errno);
      written += used;
      if (*eof) break;
      used = 0;
      eof = FillBuffer(request.message_fd, &used);
      if (!eof) return eof.error();
    }
    message_length = written - kQueueHeaderSize;
  } else {
    message_length = used - kQueueHeaderSize;
  }

  auto envelope = ReadEnvelope(request.envelope_fd);
  if (!envelope) return envelope.error();
  const std::string& raw = envelope->raw;

  if (!streamed) {
    // Everything fitted: one write holds header, message and envelope.
    Status created = file.Create(layout, request.pid);
    if (!created) return created.error();
    std::string header = HeaderFor(file, message_length, raw.size());
    std::memcpy(g_buffer, header.data(), kQueueHeaderSize);
    struct iovec iov[2] = {{g_buffer, used}, {const_cast<char*>(raw.data()), raw.size()}};
    if (!WritevAll(file.fd(), iov, 2))
      return Fail(kWriteError, "unable to write the message", errno);
  } else {
    std::string header = HeaderFor(file, message_length, raw.size());
    if (!WriteAll(file.fd(), raw) ||
        ::pwrite(file.fd(), header.data(), header.size(), 0) != static_cast<ssize_t>(header.size()))
      return Fail(kWriteError, "unable to write the message", errno);
  }
  Status committed = Commit(layout, file, request.pid);
  if (!committed) return committed.error();
  return Queued{file.id()};
}

}  // namespace ms::queue
