#include "tcpserver/filter_pool_start.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "become_user.h"
#include "child.h"
#include "fd_passing.h"
#include "log.h"
#include "smtpd/queue_helper.h"
#include "text.h"

namespace ms::smtpd {

namespace {

constexpr const char* kFilterAccount = "msfilter";

std::string NextToUs(const char* name) {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  std::string ours(self, static_cast<size_t>(n));
  return ours.substr(0, ours.rfind('/') + 1) + name;
}

}  // namespace

bool NamesOurFilter(const char* program) {
  if (program == nullptr || *program != '/') return false;
  std::string ours = NextToUs("mailsuite-filter");
  struct stat a, b;
  return !ours.empty() && ::stat(program, &a) == 0 && ::stat(ours.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

std::optional<AccountIds> FindAccount(std::string_view passwd_text, std::string_view account) {
  while (!passwd_text.empty()) {
    size_t end = passwd_text.find('\n');
    std::string_view line = passwd_text.substr(0, end);
    passwd_text.remove_prefix(end == std::string_view::npos ? passwd_text.size() : end + 1);
    // name:password:uid:gid:gecos:home:shell
    std::string_view field[4];
    size_t i = 0;
    for (; i < 4; ++i) {
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) break;
      field[i] = line.substr(0, colon);
      line.remove_prefix(colon + 1);
    }
    if (i < 4 || field[0] != account) continue;
    auto uid = ParseDecimal(field[2], UINT32_MAX - 1, 10);
    auto gid = ParseDecimal(field[3], UINT32_MAX - 1, 10);
    // Never root's ids: the workers parse hostile MIME.
    if (!uid || !gid || *uid == 0 || *gid == 0) return std::nullopt;
    return AccountIds{static_cast<uid_t>(*uid), static_cast<gid_t>(*gid)};
  }
  return std::nullopt;
}

UniqueFd StartFilterPool(unsigned max_workers) {
  if (::geteuid() != 0 || !NamesOurFilter(::getenv("QMAILQUEUE"))) return UniqueFd();
  auto passwd = ReadFile("/etc/passwd");
  std::optional<AccountIds> ids = passwd ? FindAccount(*passwd, kFilterAccount) : std::nullopt;
  if (!ids) {
    LogLine("alert").Add("what", "filterpool").Add("error", "no msfilter account: the filter is exec'd").Emit();
    return UniqueFd();
  }
  const std::string program = NextToUs("mailsuite-filterpool");
  const std::string limit = std::to_string(max_workers);
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return UniqueFd();
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t middle = ::fork();
  if (middle < 0) return UniqueFd();
  if (middle == 0) {
    // Fork again so the keeper is not the listener's child (its reaper
    // counts children as sessions); then msfilter before anything runs.
    if (::fork() != 0) ::_exit(0);
    int null = ::open("/dev/null", O_RDWR);
    if (null < 0 || ::dup2(null, 0) != 0 || ::dup2(null, 1) != 1 || ::dup2(theirs.get(), 3) != 3) ::_exit(111);
    ::close_range(4, ~0U, 0);
    ::signal(SIGPIPE, SIG_DFL);
    if (const char* failed = BecomeUserNow(ids->uid, ids->gid)) {
      LogLine("alert").Add("what", "filterpool").Add("error", failed).Emit();
      ::_exit(111);
    }
    char* argv[] = {const_cast<char*>("mailsuite-filterpool"), const_cast<char*>(limit.c_str()), nullptr};
    ::execv(program.c_str(), argv);
    LogLine("alert").Add("what", "filterpool").Add("error", "unable to run " + program).Emit();
    ::_exit(111);
  }
  WaitFor(middle);
  return ours;
}

UniqueFd JoinFilterPool(int control, int queue_helper) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return UniqueFd();
  UniqueFd ours(sv[0]), theirs(sv[1]);
  // The helper's ready packet is read here, by the queue owner's side, so
  // that the workers see only the per-message protocol.
  int fds[2] = {theirs.get(), queue_helper};
  size_t count = queue_helper >= 0 && QueueHelper::ReceiveReady(queue_helper) > 0 ? 2 : 1;
  if (!SendFdArray(control, "S", fds, count).ok()) return UniqueFd();
  return ours;
}

}  // namespace ms::smtpd
