#include "send/scheduler.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "child.h"
#include "envelope.h"
#include "log.h"
#include "paths.h"
#include "queue_client.h"
#include "send/bounce.h"
#include "send/fair_take.h"
#include "send/retry.h"
#include "send/trace_ids.h"
#include "signals.h"

namespace ms::send {

namespace {

int64_t Now() { return static_cast<int64_t>(::time(nullptr)); }

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kSuccess: return "success";
    case Outcome::kFailure: return "failure";
    case Outcome::kDeferral: return "deferral";
  }
  return "deferral";
}

// What a deliverer is told the sender is: a double bounce's marker sender
// is the null sender on the wire and in Return-Path.
std::string DeliverySender(const std::string& sender) {
  return sender == kDoubleBounceSender ? std::string() : sender;
}

constexpr size_t kMaxDeliveryOutput = 64 * 1024;
constexpr size_t kMaxBounceHeader = 64 * 1024;
// The scheduler waits for mailsuite-queue while it queues a bounce: bound
// the whole hand-over (the queue fsyncs; seconds are plenty).
constexpr int kBounceQueueSeconds = 120;
constexpr int64_t kBounceRetrySeconds = 60;

}  // namespace

Scheduler::Scheduler(QueueStore store, Control control, SpawnerClient local,
                     SpawnerClient remote)
    : store_(std::move(store)),
      control_(std::move(control)),
      local_spawner_(std::move(local)),
      remote_spawner_(std::move(remote)) {}

bool Scheduler::Configure() {
  auto config = LoadSendConfig(control_);
  if (!config) {
    LogLine("alert").Add("what", "control").Add("reason", config.error().message).Emit();
    return false;
  }
  config_ = std::move(*config);
  return true;
}

bool Scheduler::OpenTrigger() {
  std::string path = store_.layout().trigger();
  trigger_.reset(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!trigger_.valid()) {
    LogLine("alert").Add("what", "trigger").Add("reason", std::strerror(errno)).Emit();
    return false;
  }
  trigger_writer_.reset(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  return true;
}

void Scheduler::ReadTrigger() {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(trigger_.get(), buf, sizeof buf);
    if (n <= 0) break;
    trigger_partial_.append(buf, static_cast<size_t>(n));
    if (trigger_partial_.size() > 1 << 20) trigger_partial_.clear();  // garbage: the scan finds all
  }
  size_t start = 0;
  for (;;) {
    size_t eol = trigger_partial_.find('\n', start);
    if (eol == std::string::npos) break;
    std::string id = trigger_partial_.substr(start, eol - start);
    start = eol + 1;
    if (!IsValidQueueId(id) || messages_.count(id) || incoming_set_.count(id)) continue;
    incoming_set_.insert(id);
    incoming_.push_back(std::move(id));
  }
  trigger_partial_.erase(0, start);
}

void Scheduler::HandleSignals() {
  unsigned long long got = SignalPipe::Take();
  if (got & (1ULL << SIGTERM)) {
    if (!stopping_) LogLine("stopping").Add("running", jobs_.size()).Emit();
    stopping_ = true;
  }
  if (got & (1ULL << SIGHUP)) {
    if (Configure()) LogLine("reload").Emit();
  }
  if (got & (1ULL << SIGALRM)) {
    // Everything deferred is due now.
    int64_t now = Now();
    std::multimap<int64_t, LocalRef> all;
    all.swap(deferred_);
    for (auto& [when, ref] : all) deferred_.emplace(std::min(when, now), ref);
    // And every bounce that could not be queued yet.
    for (auto& [id, when] : bounce_retries_) when = now;
    LogLine("retry-all").Add("deferred", deferred_.size()).Add("bounces", bounce_retries_.size()).Emit();
  }
}

void Scheduler::Intake(int64_t now) {
  for (size_t n = 0; n < kIntakePerTurn && !incoming_.empty(); ++n) {
    std::string id = std::move(incoming_.front());
    incoming_.pop_front();
    incoming_set_.erase(id);
    if (!messages_.count(id)) LoadMessage(id, now);
  }
}

// The `new` line, with what links it to smtpd's line and the author's
// Message-ID (trace_ids.h; mailsuite-log follows a message by them).
void Scheduler::LogNew(const Msg& msg) const {
  auto head = store_.ReadMessagePart(msg.id, msg.header.message_offset,
                                     std::min<uint64_t>(msg.header.message_length, kTraceHeadBytes));
  TraceIds ids = head ? FindTraceIds(*head) : TraceIds();
  LogLine line("new");
  line.Add("msg", msg.id).Add("bytes", static_cast<unsigned long long>(msg.header.message_length))
      .Add("from", msg.sender).Add("rcpts", msg.rcpts.size());
  if (!ids.queue_pid.empty()) line.Add("qp", ids.queue_pid);
  if (!ids.message_id.empty()) line.Add("mid", ids.message_id);
  line.Emit();
}

void Scheduler::LoadMessage(const std::string& id, int64_t now) {
  LoadError error;
  auto stored = store_.Load(id, &error);
  if (!stored) {
    if (error == LoadError::kGone) return;  // already finished: a stale hint
    if (error == LoadError::kBad) {
      Status moved = store_.MoveToBad(id);
      LogLine("bad").Add("msg", id).Add("reason", stored.error().message)
          .Add("moved", moved.ok() ? "yes" : moved.error().message).Emit();
      return;
    }
    // A temporary problem (e.g. out of fds): the next scan tries again.
    LogLine("alert").Add("msg", id).Add("reason", stored.error().message).Emit();
    return;
  }
  Msg& msg = messages_[id];
  msg.id = id;
  msg.header = stored->header;
  msg.sender = std::move(stored->envelope.sender);
  msg.dsn = stored->envelope.dsn;
  msg.has_state_file = stored->has_state_file;
  msg.rcpts.resize(stored->envelope.recipients.size());
  LogNew(msg);
  for (size_t i = 0; i < msg.rcpts.size(); ++i) {
    Rcpt& r = msg.rcpts[i];
    r.address = std::move(stored->envelope.recipients[i]);
    r.dsn = stored->envelope.RecipientDsn(i);
    r.route = RouteRecipient(r.address, config_);
    auto st = stored->states.find(i);
    if (st == stored->states.end()) {
      MakeDue(msg, i, false);
      continue;
    }
    r.last_time = st->second.time;
    r.reason = st->second.reason;
    switch (st->second.code) {
      case 'D': r.state = RState::kDelivered; break;
      case 'b': r.state = RState::kBounced; break;
      case 'B': r.state = RState::kFailed; break;
      default: {  // 'Z', or 'Y': deferred and its delay notice queued
        long c = r.route.channel == Channel::kLocal ? config_.retrylocal : config_.retryremote;
        r.state = RState::kDeferred;
        r.delay_notified = st->second.code == 'Y';
        r.next_try = NextRetry(msg.header.queued_time, st->second.time, c);
        deferred_.emplace(r.next_try, LocalRef{id, i});
        ScheduleDelayNotice(msg, r, now);
        break;
      }
    }
  }
  // A message that was complete before a crash (all final, or failed with
  // its bounce not yet queued) is finished now.
  if (MessageComplete(msg)) FinishMessage(msg, now);
}

void Scheduler::MakeDue(Msg& msg, size_t index, bool retry) {
  Rcpt& r = msg.rcpts[index];
  r.state = RState::kPending;
  if (r.route.channel == Channel::kLocal) {
    (retry ? retry_local_ : fresh_local_).emplace_back(msg.id, index);
    return;
  }
  RemoteRef ref{msg.id, r.route.domain};
  if (remote_queued_.insert(ref).second) (retry ? retry_remote_ : fresh_remote_).push_back(ref);
}

void Scheduler::PromoteDue(int64_t now) {
  while (!deferred_.empty() && deferred_.begin()->first <= now) {
    LocalRef ref = deferred_.begin()->second;
    deferred_.erase(deferred_.begin());
    auto it = messages_.find(ref.first);
    if (it == messages_.end()) continue;
    if (it->second.rcpts[ref.second].state != RState::kDeferred) continue;
    MakeDue(it->second, ref.second, true);
  }
}

void Scheduler::StartJobs(int64_t now) {
  if (stopping_) return;
  while (running_local_ < config_.concurrencylocal &&
         (!fresh_local_.empty() || !retry_local_.empty())) {
    if (!StartLocal(now)) break;
  }
  while (running_remote_ < config_.concurrencyremote &&
         (!fresh_remote_.empty() || !retry_remote_.empty())) {
    if (!StartRemote(now)) break;
  }
}

bool Scheduler::StartLocal(int64_t now) {
  LocalRef ref;
  if (!TakeFair(fresh_local_, retry_local_, &prefer_retry_local_, &ref)) return false;
  auto it = messages_.find(ref.first);
  if (it == messages_.end()) return true;
  Msg& msg = it->second;
  Rcpt& r = msg.rcpts[ref.second];
  if (r.state != RState::kPending) return true;
  Job job;
  job.number = next_job_++;
  job.channel = Channel::kLocal;
  job.msg = msg.id;
  job.rcpts = {ref.second};
  LogLine("starting").Add("delivery", static_cast<unsigned long long>(job.number))
      .Add("msg", msg.id).Add("channel", "local").Add("to", r.address).Emit();
  // Only the address: the local spawner looks the account up itself and
  // knows the default delivery (SPAWNER.md "Request to the local spawner").
  RecipientRequest req{job.number, r.route.local, r.route.original_local, r.route.domain,
                       DeliverySender(msg.sender)};
  std::string datagram = EncodeRecipientRequest(req);
  Launch(std::move(job), local_spawner_, datagram, now);
  return true;
}

bool Scheduler::StartRemote(int64_t now) {
  RemoteRef ref;
  if (!TakeFair(fresh_remote_, retry_remote_, &prefer_retry_remote_, &ref)) return false;
  remote_queued_.erase(ref);
  auto it = messages_.find(ref.first);
  if (it == messages_.end()) return true;
  Msg& msg = it->second;
  Job job;
  job.number = next_job_++;
  job.channel = Channel::kRemote;
  job.msg = msg.id;
  SpawnRequest req;
  req.args = {ref.second, DeliverySender(msg.sender)};
  for (size_t i = 0; i < msg.rcpts.size() && job.rcpts.size() < kMaxRemoteRecipients; ++i) {
    Rcpt& r = msg.rcpts[i];
    if (r.state != RState::kPending || r.route.channel != Channel::kRemote ||
        r.route.domain != ref.second)
      continue;
    job.rcpts.push_back(i);
    req.args.push_back(r.route.address);
    LogLine("starting").Add("delivery", static_cast<unsigned long long>(job.number))
        .Add("msg", msg.id).Add("channel", "remote").Add("to", r.route.address).Emit();
  }
  if (job.rcpts.empty()) return true;
  // More than fit in one run: the rest go in another run, queued now.
  for (size_t i = 0; i < msg.rcpts.size(); ++i) {
    const Rcpt& r = msg.rcpts[i];
    if (r.state == RState::kPending && r.route.channel == Channel::kRemote &&
        r.route.domain == ref.second &&
        std::find(job.rcpts.begin(), job.rcpts.end(), i) == job.rcpts.end()) {
      if (remote_queued_.insert(ref).second) fresh_remote_.push_back(ref);
      break;
    }
  }
  req.job = job.number;
  std::string datagram = EncodeSpawnRequest(req);
  Launch(std::move(job), remote_spawner_, datagram, now);
  return true;
}

void Scheduler::Launch(Job job, SpawnerClient& spawner, const std::string& request,
                       int64_t now) {
  Msg& msg = messages_[job.msg];
  for (size_t i : job.rcpts) msg.rcpts[i].state = RState::kInFlight;
  auto fail = [&](const std::string& reason) {
    std::vector<RecipientOutcome> outcomes(job.rcpts.size(), {Outcome::kDeferral, reason});
    Record(msg, job.rcpts, outcomes, job.number, now);
  };
  auto message = store_.OpenMessage(msg.id);
  if (!message) return fail(message.error().message);
  UniqueFd report_write;
  if (!MakePipe(&job.report, &report_write)) return fail("unable to make a pipe");
  ::fcntl(job.report.get(), F_SETFL, O_NONBLOCK);
  Status sent = spawner.SendDatagram(request, message->get(), report_write.get());
  if (!sent) return fail(sent.error().message);
  ++msg.inflight;
  (job.channel == Channel::kLocal ? running_local_ : running_remote_)++;
  status_changed_ = true;
  uint64_t number = job.number;
  jobs_.emplace(number, std::move(job));
}

void Scheduler::ReadReport(Job& job) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(job.report.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // End of file, or nothing more for now; keep the fd until the
      // spawner's reply (a writer that forked may still hold it).
      if (n == 0) job.report.reset();
      return;
    }
    size_t room = kMaxDeliveryOutput - std::min(kMaxDeliveryOutput, job.output.size());
    job.output.append(buf, std::min(room, static_cast<size_t>(n)));
  }
}

void Scheduler::ReceiveReplies(SpawnerClient& spawner, bool* spawner_gone) {
  for (;;) {
    bool eof = false;
    auto reply = spawner.Receive(&eof);
    if (!reply) {
      if (eof) *spawner_gone = true;
      return;
    }
    auto it = jobs_.find(reply->job);
    if (it == jobs_.end()) continue;
    // Whatever the deliverer wrote before it exited is in the pipe now.
    if (it->second.report.valid()) ReadReport(it->second);
    CompleteJob(it->second, reply->wait_status);
    jobs_.erase(it);
  }
}

void Scheduler::CompleteJob(Job& job, int wait_status) {
  (job.channel == Channel::kLocal ? running_local_ : running_remote_)--;
  status_changed_ = true;
  auto it = messages_.find(job.msg);
  if (it == messages_.end()) return;
  Msg& msg = it->second;
  --msg.inflight;
  ExitStatus status = DecodeWaitStatus(wait_status);
  std::vector<RecipientOutcome> outcomes =
      job.channel == Channel::kLocal
          ? std::vector<RecipientOutcome>{LocalOutcome(status, job.output)}
          : ParseRemoteReport(status, job.output, job.rcpts.size());
  Record(msg, job.rcpts, outcomes, job.number, Now());
}

void Scheduler::Record(Msg& msg, const std::vector<size_t>& indexes,
                       const std::vector<RecipientOutcome>& outcomes, uint64_t number,
                       int64_t now) {
  std::vector<StateRecord> records;
  std::vector<size_t> notify_success;  // delivered, NOTIFY=SUCCESS
  bool all_delivered = true;
  for (size_t k = 0; k < indexes.size(); ++k) {
    Rcpt& r = msg.rcpts[indexes[k]];
    RecipientOutcome o = outcomes[k];
    if (o.outcome == Outcome::kDeferral &&
        LifetimeExpired(msg.header.queued_time, now, config_.queuelifetime)) {
      o = {Outcome::kFailure,
           "I'm not going to try again; this message has been in the queue too long. "
           "Last deferral: " + o.reason};
    }
    LogLine("delivery").Add("delivery", static_cast<unsigned long long>(number))
        .Add("msg", msg.id).Add("to", r.address).Add("result", OutcomeName(o.outcome))
        .Add("reason", o.reason).Emit();
    r.reason = o.reason;
    r.last_time = now;
    char code = 'Z';
    switch (o.outcome) {
      case Outcome::kSuccess:
        r.state = RState::kDelivered;
        code = 'D';
        if (r.dsn.WantsSuccess()) notify_success.push_back(indexes[k]);
        break;
      case Outcome::kFailure:
        r.state = RState::kFailed;
        code = 'B';
        all_delivered = false;
        break;
      case Outcome::kDeferral: {
        long c = r.route.channel == Channel::kLocal ? config_.retrylocal : config_.retryremote;
        r.state = RState::kDeferred;
        r.next_try = NextRetry(msg.header.queued_time, now, c);
        deferred_.emplace(r.next_try, LocalRef{msg.id, indexes[k]});
        all_delivered = false;
        if (r.delay_notified) code = 'Y';  // the last record must keep saying so
        ScheduleDelayNotice(msg, r, now);
        break;
      }
    }
    records.push_back({indexes[k], code, now, r.reason});
  }
  if (!notify_success.empty()) QueueSuccessNotice(msg, notify_success, now);
  // Fast path (FORMAT.md "Finishing"): when these results finish the
  // message with nothing to bounce, unlinking mess/ID records them all;
  // a crash before the unlink only repeats deliveries.
  bool complete = MessageComplete(msg);
  bool nothing_to_bounce =
      std::none_of(msg.rcpts.begin(), msg.rcpts.end(),
                   [](const Rcpt& r) { return r.state == RState::kFailed; });
  if (complete && all_delivered && nothing_to_bounce) {
    FinishMessage(msg, now);
    return;
  }
  bool created = false;
  msg.has_state_file = true;
  Status s = store_.AppendStates(msg.id, records, &created);
  if (!s) LogLine("alert").Add("msg", msg.id).Add("reason", s.error().message).Emit();
  if (complete) FinishMessage(msg, now);
}

bool Scheduler::MessageComplete(const Msg& msg) const {
  return msg.inflight == 0 &&
         std::all_of(msg.rcpts.begin(), msg.rcpts.end(), [](const Rcpt& r) {
           return r.state == RState::kDelivered || r.state == RState::kFailed ||
                  r.state == RState::kBounced;
         });
}

bool Scheduler::FinishMessage(Msg& msg, int64_t now) {
  bool needs_bounce = std::any_of(msg.rcpts.begin(), msg.rcpts.end(),
                                  [](const Rcpt& r) { return r.state == RState::kFailed; });
  if (needs_bounce && !QueueBounce(msg, now)) {
    bounce_retries_[msg.id] = now + kBounceRetrySeconds;
    return false;
  }
  store_.Finish(msg.id, msg.has_state_file);
  LogLine("end").Add("msg", msg.id).Emit();
  messages_.erase(msg.id);
  return true;
}

bool Scheduler::QueueBounce(Msg& msg, int64_t now) {
  std::vector<FailedRecipient> failed;
  for (Rcpt& r : msg.rcpts) {
    if (r.state != RState::kFailed) continue;
    if (!r.dsn.WantsFailure()) {
      // NOTIFY=NEVER (or without FAILURE): the client asked for no bounce.
      LogLine("drop").Add("msg", msg.id).Add("to", r.address).Add("reason", "NOTIFY: no failure report asked for")
          .Emit();
      r.state = RState::kBounced;
      continue;
    }
    failed.push_back({r.address, r.reason, r.last_time, r.dsn.orcpt, ""});
  }
  if (failed.empty()) return true;
  if (msg.sender == kDoubleBounceSender) {
    // A double bounce that failed: nobody is left to tell.
    for (const auto& f : failed)
      LogLine("drop").Add("msg", msg.id).Add("to", f.address).Add("reason", f.reason).Emit();
    return true;
  }
  BounceRequest b;
  b.double_bounce = msg.sender.empty();
  b.recipients = std::move(failed);
  if (!SendReport(msg, &b, now)) return false;
  for (Rcpt& r : msg.rcpts)
    if (r.state == RState::kFailed) r.state = RState::kBounced;
  return true;
}

// RFC 3461 success notices: best effort, once, when the delivery is
// recorded; a notice that cannot be queued is logged and not retried (a
// retry could send it twice, and the message itself is delivered).
void Scheduler::QueueSuccessNotice(const Msg& msg, const std::vector<size_t>& delivered, int64_t now) {
  if (msg.sender.empty() || msg.sender == kDoubleBounceSender) return;  // RFC 3461 6.2: never to <>
  BounceRequest b;
  b.success = true;
  for (size_t i : delivered) {
    const Rcpt& r = msg.rcpts[i];
    // mailsuite-remote's mark (remote/REPORT.md): the next hop offered DSN
    // and has the request now; it reports, not we.
    if (r.route.channel == Channel::kRemote && std::string_view(r.reason).ends_with(kDsnPassedOnMark)) continue;
    // Remote without that mark: the next hop does not offer DSN, so RFC
    // 3461 5.2.2 "relayed".
    b.recipients.push_back({r.address, r.reason, now, r.dsn.orcpt,
                            r.route.channel == Channel::kLocal ? "delivered" : "relayed"});
  }
  if (!b.recipients.empty()) SendReport(msg, &b, now);
}

void Scheduler::ScheduleDelayNotice(const Msg& msg, const Rcpt& r, int64_t now) {
  if (!r.dsn.WantsDelay() || r.delay_notified || config_.dsndelay == 0) return;
  if (msg.sender.empty() || msg.sender == kDoubleBounceSender) return;  // RFC 3461 6.2: never to <>
  delay_notices_.emplace(std::max(now, msg.header.queued_time + config_.dsndelay), msg.id);
}

// RFC 3461 NOTIFY=DELAY: one notice per recipient, for every deferred
// recipient of a message that asked for it and is due, together.  The
// notice is queued first, then `Y` records say so (FORMAT.md): a crash
// between the two repeats the notice, never loses it.  A notice that
// cannot be queued is tried again in kBounceRetrySeconds.
void Scheduler::SendDelayNotices(int64_t now) {
  while (!delay_notices_.empty() && delay_notices_.begin()->first <= now) {
    std::string id = delay_notices_.begin()->second;
    delay_notices_.erase(delay_notices_.begin());
    auto it = messages_.find(id);
    if (it == messages_.end() || config_.dsndelay == 0) continue;
    Msg& msg = it->second;
    if (msg.header.queued_time + config_.dsndelay > now) {  // dsndelay grew (SIGHUP)
      delay_notices_.emplace(msg.header.queued_time + config_.dsndelay, id);
      continue;
    }
    std::vector<size_t> due;
    for (size_t i = 0; i < msg.rcpts.size(); ++i) {
      const Rcpt& r = msg.rcpts[i];
      // A recipient in flight now is looked at again when its result comes.
      if (r.state == RState::kDeferred && r.dsn.WantsDelay() && !r.delay_notified) due.push_back(i);
    }
    if (due.empty() || msg.sender.empty() || msg.sender == kDoubleBounceSender) continue;
    BounceRequest b;
    b.delay = true;
    b.will_retry_until = msg.header.queued_time + config_.queuelifetime;
    for (size_t i : due) {
      const Rcpt& r = msg.rcpts[i];
      b.recipients.push_back({r.address, r.reason, r.last_time, r.dsn.orcpt, "delayed"});
    }
    if (!SendReport(msg, &b, now)) {
      delay_notices_.emplace(now + kBounceRetrySeconds, id);
      continue;
    }
    std::vector<StateRecord> records;
    for (size_t i : due) {
      Rcpt& r = msg.rcpts[i];
      r.delay_notified = true;
      records.push_back({i, 'Y', r.last_time, r.reason});
    }
    bool created = false;
    msg.has_state_file = true;
    Status s = store_.AppendStates(msg.id, records, &created);
    if (!s) LogLine("alert").Add("msg", msg.id).Add("reason", s.error().message).Emit();
  }
}

// Composes and queues a report about msg (failure or success) to its
// sender, or a double bounce to the postmaster.
bool Scheduler::SendReport(const Msg& msg, BounceRequest* report, int64_t now) {
  BounceRequest& b = *report;
  b.reporting_host = config_.me;
  b.from = config_.bouncefrom + "@" + config_.bouncehost;
  b.envid = msg.dsn.envid;
  Envelope envelope;
  if (b.double_bounce) {
    if (config_.doublebounceto.empty()) {
      LogLine("drop").Add("msg", msg.id).Add("reason", "doublebounceto is empty").Emit();
      return true;
    }
    b.to = config_.doublebounceto + "@" + config_.doublebouncehost;
    envelope.sender = std::string(kDoubleBounceSender);
  } else {
    b.to = msg.sender;
  }
  envelope.recipients = {b.to};
  b.queue_id = msg.id;
  b.arrival_time = msg.header.queued_time;
  b.now = now;
  // A double bounce carries the failed bounce whole (under the limit), so
  // does a bounce when the sender asked RET=FULL; otherwise the header
  // (RET=HDRS, and our default).  A success notice: the header.
  bool want_whole = b.double_bounce || (!b.success && !b.delay && msg.dsn.ret == DsnRet::kFull);
  bool whole = want_whole && msg.header.message_length <= kMaxDoubleBounceOriginal;
  auto head = store_.ReadMessagePart(
      msg.id, msg.header.message_offset,
      whole ? msg.header.message_length : std::min<uint64_t>(msg.header.message_length, kMaxBounceHeader));
  std::string head_text = head ? std::move(*head) : std::string();
  if (whole && head)
    b.original_message = head_text;
  else
    b.original_headers = MessageHeader(head_text, kMaxBounceHeader);
  std::string text = ComposeBounce(b);
  // qmail-send queues bounces with qmail-queue itself, never $QMAILQUEUE.
  std::string program = ProgramPath("mailsuite-queue");
  auto verdict = QueueMessage(program, text, EncodeEnvelope(envelope),
                              Deadline::AfterSeconds(kBounceQueueSeconds));
  const char* what = b.success ? "success notice" : b.delay ? "delay notice" : "bounce";
  if (!verdict || !verdict->queued) {
    std::string why = !verdict ? verdict.error().message : program + ": " + verdict->Reason();
    LogLine("alert").Add("msg", msg.id).Add("what", what).Add("reason", why).Emit();
    return false;
  }
  LogLine(b.success || b.delay ? "notify" : b.double_bounce ? "doublebounce" : "bounce").Add("msg", msg.id).Add("to", b.to)
      .Add("rcpts", b.recipients.size()).Emit();
  return true;
}

void Scheduler::RetryBounces(int64_t now) {
  std::vector<std::string> due;
  for (const auto& [id, when] : bounce_retries_)
    if (when <= now) due.push_back(id);
  for (const auto& id : due) {
    bounce_retries_.erase(id);
    auto it = messages_.find(id);
    if (it != messages_.end()) FinishMessage(it->second, now);
  }
}

void Scheduler::Scan(int64_t now) {
  next_scan_ = now + config_.queuescan;
  for (auto& id : store_.ListMessages()) {
    if (messages_.count(id) || incoming_set_.count(id)) continue;
    incoming_set_.insert(id);
    incoming_.push_back(std::move(id));
  }
  for (const auto& name : store_.CleanTmp(now))
    LogLine("clean").Add("tmp", name).Emit();
  for (const auto& id : store_.CleanOrphanStates([this](const std::string& id) {
         return messages_.count(id) > 0 || incoming_set_.count(id) > 0;
       }))
    LogLine("clean").Add("state", id).Emit();
}

void Scheduler::LogStatus() {
  if (!status_changed_) return;
  status_changed_ = false;
  LogLine("status")
      .Add("local", std::to_string(running_local_) + "/" + std::to_string(config_.concurrencylocal))
      .Add("remote", std::to_string(running_remote_) + "/" + std::to_string(config_.concurrencyremote))
      .Add("messages", messages_.size()).Emit();
}

int Scheduler::PollTimeout(int64_t now) const {
  bool can_local = running_local_ < config_.concurrencylocal &&
                   (!fresh_local_.empty() || !retry_local_.empty());
  bool can_remote = running_remote_ < config_.concurrencyremote &&
                    (!fresh_remote_.empty() || !retry_remote_.empty());
  if (!stopping_ && (!incoming_.empty() || can_local || can_remote)) return 0;
  if (stopping_) return 1000;
  int64_t wake = next_scan_;
  if (!deferred_.empty()) wake = std::min(wake, deferred_.begin()->first);
  for (const auto& [id, when] : bounce_retries_) wake = std::min(wake, when);
  if (!delay_notices_.empty()) wake = std::min(wake, delay_notices_.begin()->first);
  int64_t seconds = std::clamp<int64_t>(wake - now, 0, 60);
  return static_cast<int>(seconds * 1000);
}

int Scheduler::Run() {
  if (!OpenTrigger()) return 111;
  LogLine("start").Add("queue", store_.layout().root())
      .Add("concurrencylocal", config_.concurrencylocal)
      .Add("concurrencyremote", config_.concurrencyremote).Emit();
  Scan(Now());
  for (;;) {
    int64_t now = Now();
    std::vector<struct pollfd> fds;
    fds.push_back({SignalPipe::fd(), POLLIN, 0});
    fds.push_back({trigger_.get(), POLLIN, 0});
    fds.push_back({local_spawner_.fd(), POLLIN, 0});
    fds.push_back({remote_spawner_.fd(), POLLIN, 0});
    std::vector<uint64_t> polled_jobs;
    for (auto& [number, job] : jobs_) {
      if (!job.report.valid()) continue;
      fds.push_back({job.report.get(), POLLIN, 0});
      polled_jobs.push_back(number);
    }
    if (::poll(fds.data(), fds.size(), PollTimeout(now)) < 0 && errno != EINTR) {
      LogLine("alert").Add("what", "poll").Add("reason", std::strerror(errno)).Emit();
      return 111;
    }
    if (fds[0].revents) HandleSignals();
    if (fds[1].revents) ReadTrigger();
    for (size_t k = 0; k < polled_jobs.size(); ++k) {
      if (fds[4 + k].revents == 0) continue;
      auto it = jobs_.find(polled_jobs[k]);
      if (it != jobs_.end()) ReadReport(it->second);
    }
    bool spawner_gone = false;
    if (fds[2].revents) ReceiveReplies(local_spawner_, &spawner_gone);
    if (fds[3].revents) ReceiveReplies(remote_spawner_, &spawner_gone);
    if (spawner_gone) {
      // Results of running deliveries are lost with it: those recipients
      // are still pending on disk and are delivered again after restart.
      LogLine("alert").Add("what", "spawner").Add("reason", "a spawner died").Emit();
      return 111;
    }
    now = Now();
    if (stopping_) {
      if (jobs_.empty()) {
        LogLine("exit").Emit();
        return 0;
      }
      LogStatus();
      continue;
    }
    Intake(now);
    PromoteDue(now);
    StartJobs(now);
    RetryBounces(now);
    SendDelayNotices(now);
    if (now >= next_scan_) Scan(now);
    LogStatus();
  }
}

}  // namespace ms::send
