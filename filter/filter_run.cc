#include "filter/filter_run.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "control.h"
#include "deadline.h"
#include "fd.h"
#include "filter/clamd_client.h"
#include "filter/filter_control.h"
#include "filter/mime_walk.h"
#include "filter/next_queue.h"
#include "filter/quarantine_store.h"
#include "filter/rule_scanner.h"
#include "filter/rules.h"
#include "filter/sender_check.h"
#include "filter/spamd_client.h"
#include "filter/verdict.h"
#include "log.h"
#include "paths.h"
#include "queue/envelope_reader.h"
#include "unnamed_file.h"

namespace ms::filter {

namespace {

constexpr int kFd6 = 6;
constexpr int kScannerSeconds = 120;

struct Config {
  WalkLimits limits;
  Action ambiguous = Action::kReject;
  std::shared_ptr<RuleSet> rules;
  FilterControl control;
  std::string clamd, spamd;
  Action clamd_action = Action::kReject;
  bool clamd_fail_open = false;
  double spam_reject = 0;  // 0: never refuse on score
  bool dmarc_enforce = false;
  std::string me;  // the authserv-id of our Authentication-Results
};

Result<Config> LoadConfig() {
  Control c;
  Config cfg;
  auto number = [&](const char* name, long fallback, long max, size_t* out) -> Status {
    auto v = c.Number(name, fallback, 1, max);
    if (!v) return v.error();
    *out = static_cast<size_t>(*v);
    return Ok{};
  };
  for (auto st : {number("filterdepth", 30, 1000, &cfg.limits.max_depth),
                  number("filterparts", 1000, 1000000, &cfg.limits.max_parts),
                  number("filterheaderbytes", 65536, 16 << 20, &cfg.limits.max_header_bytes),
                  number("filterlinelength", 65536, 16 << 20, &cfg.limits.max_line)})
    if (!st) return st.error();
  auto amb = c.Line("filterambiguous", "reject");
  if (!amb) return amb.error();
  if (*amb == "tempfail") cfg.ambiguous = Action::kTempfail;
  else if (*amb != "reject") return MakeError("filterambiguous: want reject or tempfail, not " + *amb);
  auto rules_text = ReadFile(c.PathOf("filterrules"));
  std::string text;
  if (rules_text) text = *rules_text;
  else if (rules_text.error().code != ENOENT) return rules_text.error();
  auto rules = RuleSet::Parse(text);
  if (!rules) return rules.error();
  cfg.rules = *rules;
  auto fc_lines = c.Lines("filtercontrol");
  if (!fc_lines) return fc_lines.error();
  auto fc = FilterControl::Parse(*fc_lines);
  if (!fc) return fc.error();
  cfg.control = std::move(*fc);
  auto clamd = c.Line("clamd", "");
  auto spamd = c.Line("spamd", "");
  auto clamd_action = c.Line("clamdaction", "reject");
  auto fail_open = c.Number("clamdfailopen", 0, 0, 1);
  auto enforce = c.Number("dmarcenforce", 0, 0, 1);
  if (!enforce) return enforce.error();
  cfg.dmarc_enforce = *enforce == 1;
  auto me = c.Me();
  if (!me) return me.error();
  cfg.me = *me;
  auto spam_reject = c.Line("spamreject", "");
  for (const auto* r : {&clamd, &spamd, &clamd_action, &spam_reject})
    if (!*r) return r->error();
  if (!fail_open) return fail_open.error();
  cfg.clamd = *clamd;
  cfg.spamd = *spamd;
  cfg.clamd_fail_open = *fail_open == 1;
  if (*clamd_action == "quarantine") cfg.clamd_action = Action::kQuarantine;
  else if (*clamd_action != "reject") return MakeError("clamdaction: want reject or quarantine");
  if (!spam_reject->empty()) {
    char* end = nullptr;
    cfg.spam_reject = std::strtod(spam_reject->c_str(), &end);
    if (!end || *end || cfg.spam_reject <= 0) return MakeError("spamreject: want a positive score");
  }
  return cfg;
}

// Where the message is kept while it is checked: an unnamed file, so
// nothing is left behind whatever happens.
UniqueFd OpenSpool() {
  const char* dir = ::getenv("FILTER_TMPDIR");
  if (!dir || !*dir) dir = ::getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  UniqueFd fd = OpenUnnamed(AT_FDCWD, dir, 0600);
  if (fd.valid() || !UnnamedUnsupported(errno)) return fd;
  std::string tmpl = std::string(dir) + "/mailsuite-filter.XXXXXX";
  int raw = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (raw >= 0) ::unlink(tmpl.c_str());
  return UniqueFd(raw);
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

int RunFilter(bool fd6_open, int queue_helper) {
  int64_t started = MonotonicMs();
  LogLine log("message");
  auto finish = [&](std::string_view verdict, int code) {
    log.Add("verdict", verdict).Add("exit", code).Add("ms", static_cast<long long>(MonotonicMs() - started));
    log.Emit();
    return code;
  };
  auto cfg = LoadConfig();
  if (!cfg) {
    log.Add("error", cfg.error().message);
    return finish("trouble", 55);
  }
  UniqueFd spool = OpenSpool();
  if (!spool.valid()) {
    log.Add("error", std::string("spool: ") + strerror(errno));
    return finish("trouble", 53);
  }

  Verdict verdict;
  RuleScanner scanner(*cfg->rules, &verdict);
  MimeWalker walker(cfg->limits, &scanner);
  uint64_t size = 0;
  std::string buf(65536, '\0');
  while (true) {
    ssize_t n = ::read(0, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      log.Add("error", std::string("reading the message: ") + strerror(errno));
      return finish("trouble", 54);
    }
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<size_t>(n));
    if (!WriteAll(spool.get(), chunk)) {
      log.Add("error", std::string("spool: ") + strerror(errno));
      return finish("trouble", 53);
    }
    walker.Feed(chunk);
    size += static_cast<uint64_t>(n);
  }
  walker.Finish();
  log.Add("size", static_cast<unsigned long long>(size)).Add("parts", static_cast<unsigned long>(walker.parts()));

  auto envelope_read = queue::ReadEnvelope(1);
  if (!envelope_read) {
    log.Add("error", envelope_read.error().message);
    return finish("trouble", envelope_read.error().code ? envelope_read.error().code : 54);
  }
  const Envelope& envelope = envelope_read->envelope;
  log.Add("from", envelope.sender).Add("rcpts", static_cast<unsigned long>(envelope.recipients.size()));

  FilterPolicy policy = cfg->control.For(envelope);
  const char* remote_ip = ::getenv("TCPREMOTEIP");
  scanner.CheckEnvelope(envelope, remote_ip ? remote_ip : "");
  if (!policy.rules) verdict = Verdict();  // filtercontrol rules=no: rule hits do not count
  if (walker.ambiguous()) {
    bool temp = cfg->ambiguous == Action::kTempfail;
    verdict.Add(Hit{cfg->ambiguous, "message cannot be checked safely: " + walker.reason(), "ambiguous",
                    temp ? "4.6.0" : "5.6.0"});
  }
  for (const std::string& ext : policy.attach)
    if (scanner.extensions().count(ext)) {
      verdict.Add(Hit{Action::kReject, "attachment type refused: " + ext, "attach", "5.7.1"});
      break;
    }

  std::string added;  // header lines put on top of the message
  Deadline deadline = Deadline::AfterSeconds(kScannerSeconds);
  std::optional<SenderCheck> sender;
  if (!verdict.Refuses() && policy.dmarc) {
    SessionFacts facts;
    facts.remote_ip = remote_ip ? remote_ip : "";
    facts.relay_client = ::getenv("RELAYCLIENT") != nullptr;
    auto checked = CheckSender(spool.get(), size, cfg->limits.max_header_bytes, cfg->me, envelope, facts, deadline);
    if (!checked) {
      log.Add("auth", checked.error().message);  // the MIME walk judges a broken header section
    } else if (!*checked) {
      log.Add("auth", "skipped-own-client");
    } else {
      sender = std::move(**checked);
      log.Add("spf", sender->spf_result)
          .Add("dkim", std::to_string(sender->dkim_passed) + "/" + std::to_string(sender->dkim_checked))
          .Add("dmarc", dmarc::OutcomeName(sender->dmarc.outcome));
      const dmarc::Evaluation& d = sender->dmarc;
      if (cfg->dmarc_enforce && d.outcome == dmarc::Outcome::kFail && d.disposition != dmarc::Policy::kNone) {
        bool reject = d.disposition == dmarc::Policy::kReject;
        verdict.Add(Hit{reject ? Action::kReject : Action::kQuarantine,
                        "DMARC policy of " + sender->from_domain + " refuses this message (" + d.reason + ")",
                        "dmarc", "5.7.1"});
      }
    }
  }
  if (!verdict.Refuses() && policy.clam && !cfg->clamd.empty()) {
    ClamResult clam = ClamdScan(cfg->clamd, spool.get(), size, deadline);
    if (clam.kind == ClamResult::kFound) {
      log.Add("virus", clam.detail);
      verdict.Add(Hit{cfg->clamd_action, "virus found: " + clam.detail, "virus", "5.7.1"});
    } else if (clam.kind == ClamResult::kError) {
      log.Add("clamd", clam.detail);
      if (!cfg->clamd_fail_open)
        verdict.Add(Hit{Action::kTempfail, "virus scanner unavailable, try again later", "clamd", "4.3.0"});
    } else {
      log.Add("clamd", "clean");
    }
  }
  if (!verdict.Refuses() && policy.spam && !cfg->spamd.empty()) {
    if (size > kSpamdMaxSize) {
      log.Add("spam", "skipped-size");
    } else {
      SpamResult spam = SpamdCheck(cfg->spamd, spool.get(), size, deadline);
      if (!spam.ok) {
        log.Add("spamd", spam.error);  // advisory: spamd down passes mail unscored
      } else {
        log.Add("score", Fixed(spam.score) + "/" + Fixed(spam.threshold));
        double reject_at = policy.spam_reject ? *policy.spam_reject : cfg->spam_reject;
        if (reject_at > 0 && spam.score >= reject_at)
          verdict.Add(Hit{Action::kReject, "message refused as spam (score " + Fixed(spam.score) + ")", "spam",
                          "5.7.1"});
        else if (spam.spam)
          added += "X-Spam-Flag: YES\nX-Spam-Status: Yes, score=" + Fixed(spam.score) + " required=" +
                   Fixed(spam.threshold) + " tests=" + spam.symbols + "\n";
      }
    }
  }
  for (const std::string& tag : verdict.tags()) added += "X-Mailsuite-Rule: " + tag + "\n";
  if (verdict.warnings()) log.Add("warnings", static_cast<unsigned long>(verdict.warnings()));

  const auto& d = verdict.decisive();
  if (d && d->action != Action::kTag && d->action != Action::kWarn) {
    log.Add("source", d->source).Add("text", d->text);
    switch (d->action) {
      case Action::kReject:
      case Action::kTempfail: {
        bool permanent = d->action == Action::kReject;
        if (!fd6_open) return finish(ActionName(d->action), permanent ? 31 : 71);
        std::string code = d->code;
        code[0] = permanent ? '5' : '4';  // a tempfail rule's class is 4
        std::string reply = (permanent ? "D" : "Z") + code + " " + d->text;
        WriteAll(kFd6, reply);
        return finish(ActionName(d->action), 82);
      }
      case Action::kDiscard:
        return finish("discard", 0);
      case Action::kQuarantine: {
        auto id = StoreInQuarantine(QuarantineDir(), envelope, d->source + ": " + d->text, spool.get(), size);
        if (!id) {
          log.Add("error", id.error().message);
          if (fd6_open) WriteAll(kFd6, "Z4.3.0 quarantine unavailable, try again later");
          return finish("trouble", fd6_open ? 82 : 71);
        }
        log.Add("quarantine", *id);
        return finish("quarantine", 0);
      }
      default:
        break;
    }
  }
  if (d) log.Add("source", d->source);
  std::string why;
  bool tagged = !verdict.tags().empty() || !added.empty();
  uint64_t offset = 0;
  if (sender) {
    added += sender->results_header;
    if (sender->rewrite) {  // without the forged Authentication-Results
      added += sender->header_section;
      offset = sender->body_offset;
    }
  }
  int code = queue_helper >= 0 && NextIsTheQueue()
                 ? HandToQueueHelper(queue_helper, added, spool.get(), offset, size - offset, envelope, &why)
                 : HandToNextQueue(NextQueueProgram(), added, spool.get(), offset, size - offset, envelope,
                                   fd6_open, &why);
  if (!why.empty()) log.Add("error", why);
  return finish(code == 0 ? (tagged ? "tag" : "accept") : "next-failed", code);
}

}  // namespace ms::filter
