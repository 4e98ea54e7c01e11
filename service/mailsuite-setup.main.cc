// mailsuite-setup: creates what an installation needs.
//   mailsuite-setup [--me HOST] [--bin DIR]
//       a host (as root): accounts, /etc/mailsuite/control defaults, the
//       queue, the users database, the daemontools services
//   mailsuite-setup --root DIR [--me HOST] [--bin DIR] [--ip ADDR] [--smtp-port N] [--pop3-port N]
//                   [--submission-port N] [--qmqp-port N]
//       the same inside DIR for an unprivileged instance (tests, make run):
//       everything runs as the invoking user (run as root: as user
//       `mailsuite`, which it creates)
//   mailsuite-setup --queue DIR     only the queue layout (setup_queue.h)
// Idempotent: a second run leaves the tree as it was.  Exit 0 on success,
// 100 on a usage error, 111 when creating failed.
#include <netdb.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "service/instance.h"
#include "service/setup_queue.h"
#include "version.h"
#include "text.h"

namespace {

int Usage() {
  std::fputs(
      "usage: mailsuite-setup [--root DIR] [--me HOST] [--bin DIR] [--ip ADDR] [--smtp-port N] "
      "[--pop3-port N]\n"
      "                       [--submission-port N] [--qmqp-port N]\n"
      "       mailsuite-setup --queue DIR\n",
      stderr);
  return 100;
}

int Fail(const ms::Status& s) {
  std::fprintf(stderr, "mailsuite-setup: %s\n", s.error().message.c_str());
  return 111;
}

// The host's fully qualified name, as the resolver gives it.
std::string FullHostName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "localhost";
  struct addrinfo hints = {};
  hints.ai_flags = AI_CANONNAME;
  struct addrinfo* info = nullptr;
  std::string name = host;
  if (::getaddrinfo(host, nullptr, &hints, &info) == 0 && info != nullptr) {
    if (info->ai_canonname != nullptr && std::strchr(info->ai_canonname, '.') != nullptr)
      name = info->ai_canonname;
    ::freeaddrinfo(info);
  }
  return name;
}

// The directory this program was run from: the other programs are there.
std::string OwnBinDir() {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "/usr/local/bin";
  std::string p(path, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

std::string Absolute(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out = real;
  std::free(real);
  return out;
}

int SetUpInstance(ms::setup::Instance& instance, bool production) {
  ms::Status s = ms::Ok{};
  bool as_root = ::geteuid() == 0;
  if (as_root) s = ms::setup::CreateAccounts();
  if (!s) return Fail(s);
  if (!production) {
    s = ms::setup::MakeDirectory(instance.root, 0755);
    if (!s) return Fail(s);
    if (as_root) {
      // Nothing of a private instance runs as root: its services run as
      // the queue owner, which also owns the tree.
      instance.run_as = "mailsuite";
    }
  }
  s = ms::setup::WriteControlDefaults(instance);
  if (s) s = ms::setup::SetUpQueue(instance.queue);
  if (s) s = ms::setup::SetUpQuarantine(instance.quarantine, production);
  if (s) s = ms::setup::CreateUsersDatabase(instance);
  if (s) s = ms::setup::WriteServices(instance);
  if (s && !production && as_root) s = ms::setup::GiveTreeTo(instance.root, "mailsuite");
  if (s && production) s = ms::setup::SetProgramModes(instance.bin);
  if (!s) return Fail(s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-setup");
  std::string root, me, bin, queue_only, ip;
  int smtp_port = 0, pop3_port = 0, submission_port = 0, qmqp_port = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--queue" && has_value) {
      queue_only = argv[++i];
    } else if (arg == "--root" && has_value) {
      root = argv[++i];
    } else if (arg == "--me" && has_value) {
      me = argv[++i];
    } else if (arg == "--bin" && has_value) {
      bin = argv[++i];
    } else if (arg == "--ip" && has_value) {
      // The listeners' address (a private instance's default 127.0.0.1):
      // the multi-host test runs one instance per network namespace.
      ip = argv[++i];
      if (ip.empty() || ip.find_first_not_of("0123456789.:abcdefABCDEF") != std::string::npos)
        return Usage();
    } else if (arg == "--smtp-port" && has_value) {
      auto port = ms::ParseDecimal(argv[++i], 65535);
      if (!port || *port == 0) return Usage();
      smtp_port = static_cast<int>(*port);
    } else if (arg == "--pop3-port" && has_value) {
      auto port = ms::ParseDecimal(argv[++i], 65535);
      if (!port || *port == 0) return Usage();
      pop3_port = static_cast<int>(*port);
    } else if (arg == "--submission-port" && has_value) {
      auto port = ms::ParseDecimal(argv[++i], 65535);
      if (!port || *port == 0) return Usage();
      submission_port = static_cast<int>(*port);
    } else if (arg == "--qmqp-port" && has_value) {
      auto port = ms::ParseDecimal(argv[++i], 65535);
      if (!port || *port == 0) return Usage();
      qmqp_port = static_cast<int>(*port);
    } else {
      return Usage();
    }
  }
  if (!queue_only.empty()) {
    if (!root.empty() || !me.empty()) return Usage();
    ms::Status s = ms::setup::SetUpQueue(queue_only);
    return s ? 0 : Fail(s);
  }
  if (me.empty()) me = FullHostName();
  if (bin.empty()) bin = OwnBinDir();
  bool production = root.empty();
  if (production && ::geteuid() != 0) {
    std::fputs("mailsuite-setup: setting up the host needs root; use --root DIR for a private instance\n",
               stderr);
    return 100;
  }
  ms::setup::Instance instance = production
                                     ? ms::setup::ProductionInstance(bin, me)
                                     : ms::setup::RootInstance(Absolute(root), bin, me);
  if (!ip.empty()) instance.ip = ip;
  if (smtp_port) instance.smtp_port = smtp_port;
  if (pop3_port) instance.pop3_port = pop3_port;
  if (submission_port) instance.submission_port = submission_port;
  if (qmqp_port) instance.qmqp_port = qmqp_port;
  return SetUpInstance(instance, production);
}
