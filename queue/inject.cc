#include "queue/inject.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "control.h"
#include "envelope.h"
#include "paths.h"
#include "queue_client.h"
#include "queue/address_list.h"
#include "queue/header_section.h"
#include "queue/inject_exit.h"
#include "queue/inject_header.h"
#include "queue/inject_input.h"
#include "queue/inject_options.h"
#include "queue/qualify.h"
#include "queue/rfc5322_date.h"
#include "signals.h"
#include "utf8_address.h"

namespace ms::queue {

namespace {

// Longest header section accepted (sendmail's MaxHeadersLength is 32 KiB;
// list managers' long To: lines need more).
constexpr size_t kMaxHeaderSection = 256 * 1024;

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "mailsuite-inject: %s\n", message.c_str());
  return code;
}

struct InjectConfig {
  QualifyConfig qualify;
  std::string id_host;
  long databytes = 0;
};

Result<InjectConfig> ReadConfig() {
  InjectConfig c;
  auto q = ReadQualifyConfig();
  if (!q) return q.error();
  c.qualify = std::move(*q);
  Control control;
  auto id_host = control.LineOrMe("idhost");
  if (!id_host) return id_host.error();
  c.id_host = *id_host;
  auto databytes = control.Number("databytes", 0, 0, 1L << 62);
  if (!databytes) return databytes.error();
  c.databytes = *databytes;
  return c;
}

const char* FirstEnv(std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (const char* v = std::getenv(n); v != nullptr && *v != '\0') return v;
  return nullptr;
}

// The local user, qmail-inject style: environment first, then passwd.
std::string UserAddress(const QualifyConfig& q) {
  std::string user;
  if (const char* v = FirstEnv({"QMAILUSER", "MAILUSER", "USER", "LOGNAME"})) user = v;
  if (user.empty())
    if (const struct passwd* pw = ::getpwuid(::getuid())) user = pw->pw_name;
  if (user.empty()) user = "uid" + std::to_string(::getuid());
  std::string host = q.default_host;
  if (const char* v = FirstEnv({"QMAILHOST", "MAILHOST"})) host = v;
  return user + "@" + QualifyHost(host, q);
}

bool HasControlChar(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

Result<std::string> EnvelopeSender(const InjectOptions& o, const QualifyConfig& q) {
  if (!o.sender) return UserAddress(q);
  std::string s = *o.sender;
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  if (HasControlChar(s)) return MakeError("control character in the -f sender");
  if (s.empty()) return s;  // the null sender
  return QualifyAddress(s, q);
}

Result<std::vector<std::string>> Recipients(const InjectOptions& o,
                                            const std::vector<HeaderField>& fields,
                                            const QualifyConfig& q) {
  std::vector<std::string> raw;
  for (const auto& arg : o.recipients) {
    auto list = ParseAddressList(arg);
    if (!list) return MakeError("recipient " + arg + ": " + list.error().message);
    raw.insert(raw.end(), list->begin(), list->end());
  }
  if (o.extract_recipients) {
    auto from_header = HeaderRecipients(fields);
    if (!from_header) return from_header.error();
    raw.insert(raw.end(), from_header->begin(), from_header->end());
  }
  std::vector<std::string> out;
  for (const auto& r : raw) {
    std::string a = QualifyAddress(r, q);
    if (a.size() > kMaxEnvelopeAddress) return MakeError("recipient address too long: " + a.substr(0, 80) + "...");
    bool seen = false;
    for (const auto& o2 : out) seen = seen || o2 == a;
    if (!seen) out.push_back(std::move(a));
  }
  if (out.empty()) return MakeError(o.extract_recipients ? "no recipients in the header" : "no recipients given");
  return out;
}

// Reads until the header section is complete; data keeps everything read.
Result<HeaderSection> ReadHeaderSection(InjectInput* in, std::string* data, bool* eof) {
  bool checked_mbox_line = false;
  for (;;) {
    if (!in->ReadMore(data, eof))
      return MakeError(std::string("unable to read the message: ") + std::strerror(errno), kInjectIoError);
    if (!checked_mbox_line && (data->size() >= 5 || *eof)) {
      checked_mbox_line = true;
      // An mbox "From " separator line is not part of the message.
      if (data->compare(0, 5, "From ") == 0) {
        size_t eol = data->find('\n');
        while (eol == std::string::npos && !*eof && data->size() <= kMaxHeaderSection) {
          if (!in->ReadMore(data, eof))
            return MakeError(std::string("unable to read the message: ") + std::strerror(errno), kInjectIoError);
          eol = data->find('\n');
        }
        data->erase(0, eol == std::string::npos ? data->size() : eol + 1);
      }
    }
    HeaderSection section = ParseHeaderSection(*data, *eof);
    if (section.complete && section.body_offset <= kMaxHeaderSection) return section;
    if (data->size() > kMaxHeaderSection)
      return MakeError("the header section is longer than " + std::to_string(kMaxHeaderSection) +
                           " bytes",
                       kInjectDataError);
  }
}

std::string MessageId(const std::string& id_host) {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return "<" + std::to_string(ts.tv_sec) + "." + std::to_string(ts.tv_nsec) + "." +
         std::to_string(::getpid()) + ".mailsuite@" + id_host + ">";
}

int VerdictToInjectExit(const QueueVerdict& verdict, std::string* why) {
  if (verdict.queued) return kInjected;
  if (verdict.from_filter) {
    *why = "the queue refused the message: " + verdict.filter_line;
    return verdict.permanent ? kInjectRefused : kInjectTempFail;
  }
  *why = "the queue refused the message: " + verdict.text;
  if (verdict.status.exited && !verdict.write_failed && !verdict.timed_out)
    *why += " (exit " + std::to_string(verdict.status.code) + ")";
  if (!verdict.status.exited && !verdict.timed_out) return kInjectSoftware;
  int code = verdict.status.exited ? verdict.status.code : -1;
  if (verdict.permanent || code == 91) return kInjectRefused;
  if (code == 81) return kInjectSoftware;
  return kInjectTempFail;
}

int Inject(const InjectOptions& options) {
  auto config = ReadConfig();
  if (!config) return Fail(kInjectConfig, config.error().message);
  auto sender = EnvelopeSender(options, config->qualify);
  if (!sender) return Fail(kInjectUsage, sender.error().message);

  InjectInput in(0, !options.ignore_dots);
  std::string data;
  bool eof = false;
  auto section = ReadHeaderSection(&in, &data, &eof);
  if (!section) return Fail(section.error().code, section.error().message);
  auto recipients = Recipients(options, section->fields, config->qualify);
  if (!recipients) return Fail(kInjectDataError, recipients.error().message);

  AddedFields added;
  added.date = FormatRfc5322Date(::time(nullptr));
  added.message_id = MessageId(config->id_host);
  added.from_address = sender->empty() ? UserAddress(config->qualify) : *sender;
  if (options.full_name) {
    added.from_name = *options.full_name;
  } else if (const char* name = FirstEnv({"QMAILNAME", "MAILNAME", "NAME"})) {
    added.from_name = name;
  }
  std::string header = RebuildHeader(section->fields, added);
  // SMTPUTF8 (RFC 6531/6532): UTF-8 addresses are accepted when they are
  // well-formed, and such a message (or one whose header has UTF-8) is
  // queued with the SMTPUTF8 mark (lib/envelope.h).
  bool smtputf8 = !IsAscii(header) || !IsAscii(*sender);
  for (const auto& r : *recipients) smtputf8 |= !IsAscii(r);
  if (!IsCleanUtf8(*sender)) return Fail(kInjectUsage, "the sender address is not well-formed UTF-8");
  for (const auto& r : *recipients)
    if (!IsCleanUtf8(r)) return Fail(kInjectDataError, "recipient " + r + ": not well-formed UTF-8");
  data.erase(0, section->body_offset);

  QueueClient queue;
  IgnoreSignal(SIGPIPE);
  Status started = queue.Start(DefaultQueueProgram());
  if (!started) return Fail(kInjectOsError, started.error().message);

  const uint64_t limit = static_cast<uint64_t>(config->databytes);
  uint64_t size = header.size();
  bool writing = queue.Write(header, Deadline::AfterSeconds(kQueueTimeoutSeconds));
  for (;;) {
    size += data.size();
    if (limit != 0 && size > limit) {
      queue.Abort();
      return Fail(kInjectDataError, "message is larger than the limit of " +
                                        std::to_string(limit) + " bytes (control/databytes)");
    }
    writing = writing && queue.Write(data, Deadline::AfterSeconds(kQueueTimeoutSeconds));
    if (eof || !writing) break;
    data.clear();
    if (!in.ReadMore(&data, &eof)) {
      int err = errno;
      queue.Abort();
      return Fail(kInjectIoError, std::string("unable to read the message: ") + std::strerror(err));
    }
  }
  std::string why;
  Envelope envelope(*sender, *recipients);
  envelope.smtputf8 = smtputf8;
  QueueVerdict verdict = queue.Finish(EncodeEnvelope(envelope),
                                     Deadline::AfterSeconds(kQueueTimeoutSeconds));
  int code = VerdictToInjectExit(verdict, &why);
  if (code != kInjected) return Fail(code, why);
  return kInjected;
}

}  // namespace

int InjectMain(int argc, char** argv) {
  auto options = ParseInjectOptions(argc, argv);
  if (!options) {
    Fail(kInjectUsage, options.error().message);
    std::fputs("usage: sendmail [-t] [-i|-oi] [-f sender] [-F fullname] [-bm|-bp] [recipient ...]\n",
               stderr);
    return kInjectUsage;
  }
  if (options->list_queue) {
    std::string qread = ProgramPath("mailsuite-qread");
    char* args[] = {qread.data(), nullptr};
    ::execv(args[0], args);
    return Fail(kInjectOsError, "unable to run " + qread + ": " + std::strerror(errno));
  }
  return Inject(*options);
}

}  // namespace ms::queue
