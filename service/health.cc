#include "service/health.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "child.h"
#include "control.h"
#include "deadline.h"
#include "fd.h"
#include "queue_layout.h"

namespace ms::setup {

Verdict ParseSvstatLine(const std::string& line) {
  Verdict v;
  size_t colon = line.find(": ");
  v.what = "service " + (colon == std::string::npos ? line : line.substr(0, colon));
  std::string state = colon == std::string::npos ? "" : line.substr(colon + 2);
  v.detail = state;
  // "down 5 seconds" without ", normally up": a service its down file
  // keeps off on purpose (mailsuite-setup's optional ones: userdb, qmqpd).
  if (state.rfind("down ", 0) == 0 && state.find("normally up") == std::string::npos) {
    v.ok = true;
    v.detail += " (off: down file)";
    return v;
  }
  if (state.rfind("up ", 0) != 0) {
    v.ok = false;
    return v;
  }
  // "up (pid 123) 45 seconds[, normally down]": a service that keeps
  // restarting shows 0 seconds.
  size_t paren = state.find(") ");
  long seconds = paren == std::string::npos ? 0 : std::strtol(state.c_str() + paren + 2, nullptr, 10);
  if (seconds < 1) v.ok = false;
  return v;
}

std::vector<Verdict> CheckServices(const HealthOptions& options) {
  std::vector<Verdict> verdicts;
  DIR* dir = ::opendir(options.service_dir.c_str());
  if (dir == nullptr) {
    verdicts.push_back({false, "services", "cannot open " + options.service_dir + ": " +
                                               std::strerror(errno)});
    return verdicts;
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(dir))
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  ::closedir(dir);
  std::vector<std::string> argv = {"/usr/bin/svstat"};
  for (const auto& n : names) {
    argv.push_back(options.service_dir + "/" + n);
    argv.push_back(options.service_dir + "/" + n + "/log");
  }
  if (names.empty()) {
    verdicts.push_back({false, "services", "no service in " + options.service_dir});
    return verdicts;
  }
  UniqueFd r, w;
  if (!MakePipe(&r, &w)) return {{false, "services", "pipe failed"}};
  auto pid = Spawn(SpawnSpec{argv, {{1, w.get()}, {2, w.get()}}, nullptr});
  w.reset();
  if (!pid) return {{false, "services", pid.error().message}};
  std::string out;
  ReadAll(r.get(), &out);
  WaitFor(*pid);
  size_t start = 0;
  while (start < out.size()) {
    size_t eol = out.find('\n', start);
    if (eol == std::string::npos) eol = out.size();
    std::string line = out.substr(start, eol - start);
    if (!line.empty()) verdicts.push_back(ParseSvstatLine(line));
    start = eol + 1;
  }
  return verdicts;
}

Verdict CheckSmtpGreeting(const HealthOptions& options) {
  Verdict v{false, "smtp " + options.smtp_host + ":" + std::to_string(options.smtp_port), ""};
  struct sockaddr_in sa = {};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(options.smtp_port));
  if (inet_pton(AF_INET, options.smtp_host.c_str(), &sa.sin_addr) != 1) {
    v.detail = "bad address";
    return v;
  }
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  struct timeval tv = {options.timeout_seconds, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    v.detail = std::string("connect: ") + std::strerror(errno);
    return v;
  }
  Deadline deadline = Deadline::AfterSeconds(options.timeout_seconds);
  std::string greeting;
  char buf[512];
  while (greeting.find('\n') == std::string::npos && greeting.size() < 4096) {
    ssize_t n = ReadWithDeadline(fd.get(), buf, sizeof buf, deadline);
    if (n == -2) {
      v.detail = "no greeting within " + std::to_string(options.timeout_seconds) + " s";
      return v;
    }
    if (n <= 0) break;
    greeting.append(buf, static_cast<size_t>(n));
  }
  WriteAll(fd.get(), "QUIT\r\n");
  std::string first = greeting.substr(0, greeting.find_first_of("\r\n"));
  v.ok = first.rfind("220", 0) == 0;
  v.detail = first.empty() ? "connection closed without greeting" : first;
  return v;
}

Verdict CheckQueueSpace(const HealthOptions& options) {
  // The same limit smtpd enforces (452 at MAIL): control/queueminfree.
  Verdict v{false, "queue space " + options.queue_dir, ""};
  Control control(options.control_dir);
  auto limit = control.Number("queueminfree", 16777216, 0, 1L << 60);
  if (!limit) return {false, v.what, limit.error().message};
  struct statvfs s;
  if (::statvfs(options.queue_dir.c_str(), &s) != 0) {
    v.detail = std::string("statvfs: ") + std::strerror(errno);
    return v;
  }
  unsigned long long free_bytes = static_cast<unsigned long long>(s.f_bavail) * s.f_frsize;
  char detail[200];
  std::snprintf(detail, sizeof detail, "%llu MiB and %llu inodes free (limit %ld MiB, 100 inodes)",
                free_bytes >> 20, static_cast<unsigned long long>(s.f_favail), *limit >> 20);
  v.detail = detail;
  v.ok = free_bytes >= static_cast<unsigned long long>(*limit) && s.f_favail >= 100;
  return v;
}

Verdict CheckLoad(const HealthOptions& options) {
  Verdict v{true, "load", ""};
  double load[1] = {0};
  if (::getloadavg(load, 1) != 1) return {false, "load", "getloadavg failed"};
  Control control(options.control_dir);
  auto refuse = control.Line("refusela", "");
  if (!refuse) return {false, "load", refuse.error().message};
  char detail[120];
  if (refuse->empty()) {
    std::snprintf(detail, sizeof detail, "%.2f (no refusela)", load[0]);
  } else {
    double limit = std::strtod(refuse->c_str(), nullptr);
    std::snprintf(detail, sizeof detail, "%.2f (refusela %.2f)", load[0], limit);
    v.ok = load[0] < limit;
  }
  v.detail = detail;
  return v;
}

Verdict CheckQueueAge(const HealthOptions& options) {
  Verdict v{false, "queue age", ""};
  Control control(options.control_dir);
  auto limit = control.Number("queuewarnage", 86400, 1, 1L << 40);
  if (!limit) return {false, v.what, limit.error().message};
  QueueLayout layout(options.queue_dir);
  DIR* dir = ::opendir(layout.mess().c_str());
  if (dir == nullptr) {
    v.detail = "cannot open " + layout.mess() + ": " + std::strerror(errno);
    return v;
  }
  long count = 0;
  long long oldest_usec = 0;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view id(e->d_name);
    if (!IsValidQueueId(id)) continue;
    ++count;
    long long usec = std::atoll(std::string(id.substr(id.find('.') + 1)).c_str());
    if (oldest_usec == 0 || usec < oldest_usec) oldest_usec = usec;
  }
  ::closedir(dir);
  struct timeval now;
  ::gettimeofday(&now, nullptr);
  long long age = count ? (static_cast<long long>(now.tv_sec) - oldest_usec / 1000000) : 0;
  v.detail = std::to_string(count) + " messages, oldest " + std::to_string(age) + " s (limit " +
             std::to_string(*limit) + " s)";
  v.ok = age <= *limit;
  return v;
}

Verdict CheckQuarantine(const HealthOptions& options) {
  Verdict v{false, "quarantine", ""};
  Control control(options.control_dir);
  auto limit = control.Number("quarantinewarn", 100, 0, 1L << 40);
  if (!limit) return {false, v.what, limit.error().message};
  DIR* dir = ::opendir(options.quarantine_dir.c_str());
  if (dir == nullptr) {
    v.ok = errno == ENOENT;
    v.detail = v.ok ? "none (no " + options.quarantine_dir + ")"
                    : "cannot open " + options.quarantine_dir + ": " + std::strerror(errno);
    return v;
  }
  long count = 0;
  // Entries are named SECONDS.MICROSECONDS.PID (filter/quarantine_store.h);
  // a dot file is one being written.
  while (struct dirent* e = ::readdir(dir))
    if (e->d_name[0] != '.') ++count;
  ::closedir(dir);
  v.ok = count <= *limit;
  v.detail = std::to_string(count) + " messages (limit " + std::to_string(*limit) + ")" +
             (v.ok ? "" : ": see mailsuite-quarantine list");
  return v;
}

}  // namespace ms::setup
