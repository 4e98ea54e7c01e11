#include "filter/quarantine_admin.h"

#include <fcntl.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "fd.h"
#include "filter/next_queue.h"
#include "filter/quarantine_store.h"
#include "unnamed_file.h"

namespace ms::filter {

namespace {

constexpr int kDone = 0, kUsage = 100, kTrouble = 111;

std::string Utc(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string Recipients(const Envelope& e) {
  std::string out;
  for (const auto& r : e.recipients) out += (out.empty() ? "" : ",") + r;
  return out;
}

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "mailsuite-quarantine: %s\n", message.c_str());
  return code;
}

int List(const std::string& dir) {
  auto ids = ListQuarantine(dir);
  if (!ids) return Fail(ids.error().message, kTrouble);
  for (const std::string& id : *ids) {
    auto e = ReadQuarantineEntry(dir, id);
    if (!e) {
      std::fprintf(stderr, "mailsuite-quarantine: %s\n", e.error().message.c_str());
      continue;
    }
    std::printf("%s\t%s\t%llu\t<%s>\t%s\t%s\n", id.c_str(), Utc(e->time).c_str(),
                static_cast<unsigned long long>(e->message_length), e->envelope.sender.c_str(),
                Recipients(e->envelope).c_str(), e->verdict.c_str());
  }
  return std::fflush(stdout) == 0 ? kDone : kTrouble;
}

int Show(const std::string& dir, const std::string& id) {
  auto e = ReadQuarantineEntry(dir, id);
  if (!e) return Fail(e.error().message, errno == ENOENT ? kUsage : kTrouble);
  std::string head = "id " + id + "\ntime " + Utc(e->time) + "\nverdict " + e->verdict + "\nfrom <" +
                     e->envelope.sender + ">\nto " + Recipients(e->envelope) + "\n\n";
  UniqueFd fd(::open((dir + "/" + id).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid() || !WriteAll(1, head) || !CopyRange(fd.get(), e->message_offset, e->message_length, 1))
    return Fail("show " + id + ": " + strerror(errno), kTrouble);
  return kDone;
}

int Release(const std::string& dir, const std::string& id) {
  auto e = ReadQuarantineEntry(dir, id);
  if (!e) return Fail(e.error().message, errno == ENOENT ? kUsage : kTrouble);
  std::string path = dir + "/" + id;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return Fail(path + ": " + strerror(errno), kTrouble);
  std::string why, program = NextQueueProgram();
  int code = HandToNextQueue(program, "", fd.get(), e->message_offset, e->message_length, e->envelope, false, &why);
  if (code != 0)
    return Fail("release " + id + ": " + program + " exited " + std::to_string(code) + (why.empty() ? "" : ": " + why),
                kTrouble);
  // Queued: only now may the quarantined copy go (a crash in between
  // leaves both, and a duplicate is better than a loss).
  if (::unlink(path.c_str()) != 0 || !SyncDirectory(dir))
    return Fail("released " + id + " but could not remove it: " + strerror(errno), kTrouble);
  std::printf("released %s\n", id.c_str());
  return kDone;
}

int Delete(const std::string& dir, const std::string& id) {
  if (!IsValidQuarantineId(id)) return Fail("no such quarantine ID: " + id, kUsage);
  std::string path = dir + "/" + id;
  if (::unlink(path.c_str()) != 0) return Fail(path + ": " + strerror(errno), errno == ENOENT ? kUsage : kTrouble);
  if (!SyncDirectory(dir)) return Fail(dir + ": " + strerror(errno), kTrouble);
  std::printf("deleted %s\n", id.c_str());
  return kDone;
}

}  // namespace

bool MayAdministerQuarantine() {
  if (::getuid() == 0) return true;
  struct group* g = ::getgrnam("msadmin");
  if (!g) return false;
  if (::getgid() == g->gr_gid || ::getegid() == g->gr_gid) return true;
  gid_t groups[256];
  int n = ::getgroups(256, groups);
  for (int i = 0; i < n; ++i)
    if (groups[i] == g->gr_gid) return true;
  return false;
}

int QuarantineCommand(const std::string& dir, const std::vector<std::string>& args) {
  if (args.size() == 1 && args[0] == "list") return List(dir);
  if (args.size() == 2 && args[0] == "show") return Show(dir, args[1]);
  if (args.size() == 2 && args[0] == "release") return Release(dir, args[1]);
  if (args.size() == 2 && args[0] == "delete") return Delete(dir, args[1]);
  return Fail("usage: mailsuite-quarantine list | show ID | release ID | delete ID", kUsage);
}

}  // namespace ms::filter
