// mailsuite-checkpassword prog...: the checkpassword interface
// (pop3d/CHECKPASSWORD.md).  Reads user\0password\0timestamp\0 on fd 3,
// checks it, and on success execs prog as the user with USER, HOME and
// SHELL set.  Exit: 1 bad login, 2 misuse, 111 temporary failure.
#include <unistd.h>

#include <cstdlib>

#include "become_user.h"
#include "pop3d/checkpassword_auth.h"
#include "pop3d/checkpassword_login.h"
#include "pop3d/checkpassword_request.h"
#include "control.h"
#include "deadline.h"
#include "log.h"
#include "paths.h"
#include "version.h"

namespace {

constexpr int kBadLogin = 1;
constexpr int kMisuse = 2;
constexpr int kTemporary = 111;
constexpr int kRequestTimeoutSeconds = 60;

int Report(const std::string& user, const char* result, const std::string& reason, int code) {
  ms::LogLine line("login");
  line.Add("user", user).Add("result", result).Add("reason", reason);
  if (const char* ip = ::getenv("TCPREMOTEIP")) line.Add("ip", ip);
  line.Emit();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  ms::ExitIfVersionRequest(argc, argv, "mailsuite-checkpassword");
  ms::KeepMemoryPrivate();  // holds passwords, keys or mail (lib/become_user.h)
  ms::SetLogProgram("mailsuite-checkpassword");
  if (argc < 2) return Report("", "misuse", "usage: mailsuite-checkpassword prog...", kMisuse);
  auto data = ms::checkpassword::ReadRequest(3, ms::Deadline::AfterSeconds(kRequestTimeoutSeconds));
  if (!data) return Report("", "misuse", data.error().message, kMisuse);
  auto request = ms::checkpassword::ParseRequest(*data);
  if (!request) return Report("", "misuse", request.error().message, kMisuse);
  ::close(3);

  auto system = ms::Control().Number("checkpasswordsystem", 0, 0, 1);
  if (!system) return Report(request->user, "tempfail", system.error().message, kTemporary);
  ms::checkpassword::AuthOptions options{ms::UsersFile(), *system == 1};
  auto decision = ms::checkpassword::Authenticate(*request, options);
  if (decision.verdict == ms::checkpassword::Verdict::kBadLogin)
    return Report(request->user, "bad", decision.reason, kBadLogin);
  if (decision.verdict == ms::checkpassword::Verdict::kTemporary)
    return Report(request->user, "tempfail", decision.reason, kTemporary);

  const auto& account = decision.account;
  ms::Status step = ms::checkpassword::SetLoginEnvironment(account);
  if (step) step = ms::checkpassword::BecomeUser(account);
  if (!step)
    return Report(account.user, step.error().code == kBadLogin ? "bad" : "tempfail",
                  step.error().message, step.error().code);
  Report(account.user, "ok", "", 0);
  ms::Status exec = ms::checkpassword::ExecNext(account, argv + 1);
  return Report(account.user, "tempfail", exec.error().message, kTemporary);
}
