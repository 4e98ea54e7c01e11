#include "smtpd/auth.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

#include "child.h"
#include "fd.h"
#include "log.h"
#include "text.h"
#include "textcode.h"

namespace ms::smtpd {

namespace {

// RFC 4954 4: a client response may be up to 12288 octets.
constexpr size_t kMaxResponseLine = 12288;
constexpr size_t kMaxCredential = 255;  // the checker reads 512 octets at most

std::string FindInPath(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return program;
}

void SleepUntil(int64_t at_ms) {
  for (int64_t left; (left = at_ms - MonotonicMs()) > 0;) {
    struct timespec ts = {static_cast<time_t>(left / 1000), static_cast<long>(left % 1000) * 1000000};
    nanosleep(&ts, nullptr);
  }
}

bool ValidCredentials(const Credentials& c) {
  return !c.user.empty() && c.user.size() <= kMaxCredential && c.password.size() <= kMaxCredential &&
         c.user.find('\0') == std::string::npos && c.password.find('\0') == std::string::npos;
}

}  // namespace

Result<AuthConfig> LoadAuthConfig(const Control& control, const EnvGetter& env,
                                  std::vector<std::string> checker) {
  AuthConfig config;
  config.checker = std::move(checker);
  if (!config.checker.empty()) config.checker[0] = FindInPath(config.checker[0]);
  auto plaintext = control.Number("smtpauthplaintext", 0, 0, 1);
  if (!plaintext) return plaintext.error();
  config.allow_plaintext = *plaintext == 1;
  auto required = env("SMTPAUTH_REQUIRED");
  config.required = required && *required == "1";
  if (auto delay = env("SMTPAUTH_FAILDELAY_MS")) {
    auto ms = ParseDecimal(*delay, 600000);
    if (!ms) return MakeError("SMTPAUTH_FAILDELAY_MS must be 0..600000");
    config.fail_delay_ms = static_cast<int>(*ms);
  }
  return config;
}

std::optional<std::string> DecodeBase64(std::string_view text) {
  std::string src(text);
  std::string out(src.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  size_t scanned = scan_base64(src.c_str(), out.data(), &len);
  if (scanned != src.size() || src.size() % 4 != 0) return std::nullopt;
  out.resize(len);
  return out;
}

std::optional<Credentials> ParsePlain(std::string_view decoded) {
  size_t first = decoded.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = decoded.find('\0', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view authzid = decoded.substr(0, first);
  Credentials c{std::string(decoded.substr(first + 1, second - first - 1)),
                std::string(decoded.substr(second + 1))};
  if (!authzid.empty() && authzid != c.user) return std::nullopt;  // no proxy authorization
  if (!ValidCredentials(c)) return std::nullopt;
  return c;
}

CheckResult RunChecker(const std::vector<std::string>& checker, const Credentials& credentials) {
  UniqueFd read_end, write_end;
  UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (null.get() < 0 || !MakePipe(&read_end, &write_end)) return CheckResult::kTemporary;
  SpawnSpec spec;
  spec.argv = checker;
  spec.argv.push_back("/bin/true");
  spec.fds = {{0, null.get()}, {1, null.get()}, {3, read_end.get()}};
  auto pid = Spawn(spec);
  if (!pid) return CheckResult::kTemporary;
  Child child(*pid);
  read_end.reset();
  std::string request = credentials.user;
  request.push_back('\0');
  request += credentials.password;
  request.append(2, '\0');  // and an empty timestamp
  // At most 512 octets: the pipe takes them without blocking.
  bool written = WriteAll(write_end.get(), request);
  explicit_bzero(request.data(), request.size());
  write_end.reset();
  ExitStatus status = child.Wait();
  if (!written || !status.exited) return CheckResult::kTemporary;
  if (status.code == 0) return CheckResult::kOk;
  return status.code == 1 ? CheckResult::kRejected : CheckResult::kTemporary;
}

bool Auth::Offered() const {
  return !config_.checker.empty() && (config_.allow_plaintext || (tls_ && tls_->active()));
}

void Auth::AddEhloKeywords(const Session& session, std::vector<std::string>* keywords) {
  if (Offered() && !session.authenticated()) keywords->push_back("AUTH PLAIN LOGIN");
}

bool Auth::Handle(const Command& command, Session& session) {
  if (command.verb == Verb::kMail && config_.required && !session.authenticated()) {
    session.Reply("530 5.7.0 authentication required");
    return true;
  }
  if (command.verb != Verb::kAuth || config_.checker.empty()) return false;
  if (!Offered())
    session.Reply("538 5.7.11 encryption required for requested authentication mechanism");
  else if (!session.greeted())
    session.Reply("503 5.5.1 send EHLO first");
  else if (session.authenticated())
    session.Reply("503 5.5.1 already authenticated");
  else if (session.in_transaction())
    session.Reply("503 5.5.1 AUTH not permitted during a mail transaction");
  else
    Authenticate(command.arg, session);
  return true;
}

std::optional<std::string> Auth::Challenge(std::string_view prompt, Session& session) {
  session.Reply(std::string("334 ") + std::string(prompt));
  if (!session.Flush()) {
    session.End("write error");
    return std::nullopt;
  }
  std::string_view line;
  ReadStatus s = session.input().Next(&line, kMaxResponseLine,
                                      Deadline::AfterSeconds(session.config().timeout_seconds));
  if (s == ReadStatus::kTooLong) {
    session.Reply("500 5.5.6 authentication exchange line too long");
    return std::nullopt;
  }
  if (s != ReadStatus::kOk) {
    session.End(s == ReadStatus::kTimeout ? "timeout" : s == ReadStatus::kEof ? "eof" : "read error");
    return std::nullopt;
  }
  if (line == "*") {
    session.Reply("501 5.0.0 authentication cancelled");
    return std::nullopt;
  }
  return std::string(line);
}

void Auth::Authenticate(std::string_view arg, Session& session) {
  size_t blank = arg.find(' ');
  std::string_view mechanism = arg.substr(0, blank);
  std::optional<std::string_view> initial;
  if (blank != std::string_view::npos) initial = arg.substr(blank + 1);
  bool plain = EqualsIgnoringCase(mechanism, "PLAIN");
  if (!plain && !EqualsIgnoringCase(mechanism, "LOGIN")) {
    session.Reply("504 5.5.4 unrecognized authentication mechanism");
    return;
  }
  std::optional<Credentials> credentials;
  if (plain) {
    std::optional<std::string> response;
    if (initial) response = *initial == "=" ? std::string() : std::string(*initial);
    else if (!(response = Challenge("", session))) return;
    auto decoded = DecodeBase64(*response);
    if (!decoded) {
      session.Reply("501 5.5.2 cannot decode the response");
      return;
    }
    credentials = ParsePlain(*decoded);
    explicit_bzero(decoded->data(), decoded->size());
  } else {
    std::optional<std::string> user_b64;
    if (initial) user_b64 = std::string(*initial);
    else if (!(user_b64 = Challenge("VXNlcm5hbWU6", session))) return;  // "Username:"
    auto user = DecodeBase64(*user_b64);
    if (!user) {
      session.Reply("501 5.5.2 cannot decode the response");
      return;
    }
    auto password_b64 = Challenge("UGFzc3dvcmQ6", session);  // "Password:"
    if (!password_b64) return;
    auto password = DecodeBase64(*password_b64);
    if (!password) {
      session.Reply("501 5.5.2 cannot decode the response");
      return;
    }
    credentials = Credentials{*user, *password};
    explicit_bzero(password->data(), password->size());
    if (!ValidCredentials(*credentials)) credentials.reset();
  }
  int64_t started = MonotonicMs();
  CheckResult result = credentials ? RunChecker(config_.checker, *credentials) : CheckResult::kRejected;
  std::string user = credentials ? credentials->user : std::string();
  if (credentials) explicit_bzero(credentials->password.data(), credentials->password.size());
  LogLine("auth")
      .Add("ip", session.config().remote_ip)
      .Add("mechanism", plain ? "PLAIN" : "LOGIN")
      .Add("user", user)
      .Add("result", result == CheckResult::kOk ? "ok" : result == CheckResult::kRejected ? "bad" : "tempfail")
      .Emit();
  if (result == CheckResult::kOk) {
    user_ = user;
    session.set_authenticated(true);
    session.set_protocol(ReceivedProtocol(tls_ ? tls_->Description() : "", true));
    session.Reply("235 2.7.0 authentication successful");
  } else if (result == CheckResult::kRejected) {
    SleepUntil(started + config_.fail_delay_ms);
    session.Reply("535 5.7.8 authentication credentials invalid");
  } else {
    session.Reply("454 4.7.0 temporary authentication failure");
  }
}

}  // namespace ms::smtpd
