// The scheduler: one poll loop that takes in new messages, routes their
// recipients, runs deliveries through the spawners within the concurrency
// limits, records each result in the state file, retries, bounces and
// finishes messages.  Design notes: send/README.md.
#ifndef MAILSUITE_SEND_SCHEDULER_H_
#define MAILSUITE_SEND_SCHEDULER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "control.h"
#include "fd.h"
#include "send/bounce.h"
#include "send/config.h"
#include "send/outcome.h"
#include "send/queue_store.h"
#include "send/recipient_request.h"
#include "send/route.h"
#include "send/spawner.h"

namespace ms::send {

// At most this many new messages are taken in per loop turn, so a flood
// of new mail cannot keep finished deliveries from being recorded and new
// ones started (qmail's "silly qmail syndrome").
inline constexpr size_t kIntakePerTurn = 64;
// Most recipients in one mailsuite-remote run (RFC 5321 4.5.3.1.8).
inline constexpr size_t kMaxRemoteRecipients = 100;

class Scheduler {
 public:
  Scheduler(QueueStore store, Control control, SpawnerClient local, SpawnerClient remote);
  // Loads the configuration; false (logged) if it cannot be read.
  bool Configure();
  // Runs until SIGTERM (after running deliveries end): exit code.
  int Run();

 private:
  enum class RState { kPending, kInFlight, kDeferred, kDelivered, kFailed, kBounced };
  struct Rcpt {
    std::string address;
    Route route;
    RState state = RState::kPending;
    int64_t next_try = 0;
    int64_t last_time = 0;
    std::string reason;
    RcptDsn dsn;  // NOTIFY, ORCPT (RFC 3461)
    bool delay_notified = false;  // its NOTIFY=DELAY notice is queued (state `Y`)
  };
  struct Msg {
    std::string id;
    QueueHeader header;
    std::string sender;
    MailDsn dsn;  // RET, ENVID
    std::vector<Rcpt> rcpts;
    int inflight = 0;
    bool has_state_file = false;  // it may exist (a failed append may have created it)
  };
  struct Job {
    uint64_t number = 0;
    Channel channel = Channel::kLocal;
    std::string msg;
    std::vector<size_t> rcpts;
    UniqueFd report;
    std::string output;
  };
  using LocalRef = std::pair<std::string, size_t>;       // msg, recipient
  using RemoteRef = std::pair<std::string, std::string>; // msg, domain

  bool OpenTrigger();
  void ReadTrigger();
  void HandleSignals();
  void Intake(int64_t now);
  void LoadMessage(const std::string& id, int64_t now);
  void LogNew(const Msg& msg) const;
  void MakeDue(Msg& msg, size_t index, bool retry);
  void PromoteDue(int64_t now);
  void StartJobs(int64_t now);
  bool StartLocal(int64_t now);
  bool StartRemote(int64_t now);
  // request: the encoded datagram (recipient request or spawn request).
  void Launch(Job job, SpawnerClient& spawner, const std::string& request, int64_t now);
  void ReadReport(Job& job);
  void ReceiveReplies(SpawnerClient& spawner, bool* spawner_gone);
  void CompleteJob(Job& job, int wait_status);
  void Record(Msg& msg, const std::vector<size_t>& indexes,
              const std::vector<RecipientOutcome>& outcomes, uint64_t number, int64_t now);
  bool MessageComplete(const Msg& msg) const;
  bool FinishMessage(Msg& msg, int64_t now);
  void QueueSuccessNotice(const Msg& msg, const std::vector<size_t>& delivered, int64_t now);
  // NOTIFY=DELAY: when a deferred recipient that asked for it may get its
  // delay notice (control/dsndelay), and the notices that are due.
  void ScheduleDelayNotice(const Msg& msg, const Rcpt& r, int64_t now);
  void SendDelayNotices(int64_t now);
  bool QueueBounce(Msg& msg, int64_t now);
  bool SendReport(const Msg& msg, BounceRequest* report, int64_t now);
  void RetryBounces(int64_t now);
  void Scan(int64_t now);
  void LogStatus();
  int PollTimeout(int64_t now) const;

  QueueStore store_;
  Control control_;
  SpawnerClient local_spawner_;
  SpawnerClient remote_spawner_;
  SendConfig config_;

  UniqueFd trigger_;
  UniqueFd trigger_writer_;  // keeps the fifo from ever reading end of file
  std::string trigger_partial_;

  std::unordered_map<std::string, Msg> messages_;
  // Messages whose bounce could not be queued yet, and when to try again:
  // the loop looks at these, not at every message.
  std::map<std::string, int64_t> bounce_retries_;
  std::deque<std::string> incoming_;
  std::unordered_set<std::string> incoming_set_;
  std::deque<LocalRef> fresh_local_, retry_local_;
  std::deque<RemoteRef> fresh_remote_, retry_remote_;
  std::set<RemoteRef> remote_queued_;
  std::multimap<int64_t, LocalRef> deferred_;
  // NOTIFY=DELAY: (when, msg) to look at; a set, so that the recipients
  // of one run or repeated deferrals before it is due add one entry.
  std::set<std::pair<int64_t, std::string>> delay_notices_;
  std::unordered_map<uint64_t, Job> jobs_;
  bool prefer_retry_local_ = false;
  bool prefer_retry_remote_ = false;
  long running_local_ = 0;
  long running_remote_ = 0;
  uint64_t next_job_ = 1;
  int64_t next_scan_ = 0;
  bool stopping_ = false;
  bool status_changed_ = false;
};

}  // namespace ms::send

#endif  // MAILSUITE_SEND_SCHEDULER_H_
