// Long-lived local delivery workers: children of the local spawner, each
// switched once to one recipient's uid/gid, that run mailsuite-local's
// code in-process for one delivery after another of that same user
// (send/SPAWNER.md "Delivery workers").  No fork and no exec per delivery.
#ifndef MAILSUITE_SEND_DELIVERY_WORKERS_H_
#define MAILSUITE_SEND_DELIVERY_WORKERS_H_

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "send/spawner.h"

namespace ms::send {

struct WorkerLimits {
  int max_idle = 32;            // idle workers kept, all users together
  int64_t idle_ms = 30'000;     // an idle worker older than this retires
  int max_deliveries = 1'000;   // a worker retires after this many
};

class DeliveryWorkers {
 public:
  using Deliverer = int (*)(int argc, char** argv);
  // reply(job, wait_status) sends a result to the scheduler.
  using ReplyFn = std::function<void(uint64_t job, int wait_status)>;

  DeliveryWorkers(Deliverer deliverer, std::string program, bool switch_user,
                  WorkerLimits limits = {});
  ~DeliveryWorkers();
  DeliveryWorkers(const DeliveryWorkers&) = delete;
  DeliveryWorkers& operator=(const DeliveryWorkers&) = delete;

  // Hands the request to an idle worker of (uid, gid), starting one if
  // there is none.  False if no worker could take it (the caller reports
  // a deferral).
  bool Dispatch(const SpawnRequest& request, int fd0, int fd1);
  // Appends one pollfd per worker socket.
  void AddPollFds(std::vector<struct pollfd>* fds) const;
  // Reads the replies of workers whose sockets are readable: fds[0..count)
  // as poll returned them (AddPollFds' entries among them).
  void CollectReplies(const struct pollfd* fds, size_t count, const ReplyFn& reply, int64_t now_ms);
  // A child exited.  True if it was one of ours; a job it had in flight
  // is answered with its wait status (a crash defers that delivery).
  bool Reaped(pid_t pid, int wait_status, const ReplyFn& reply);
  // Retires idle workers past their time; milliseconds until the next
  // one is due, or -1.
  int Expire(int64_t now_ms);

 private:
  struct Worker {
    pid_t pid = -1;
    uid_t uid = 0;
    gid_t gid = 0;
    SpawnerClient link;
    std::optional<uint64_t> job;
    int deliveries = 0;
    int64_t idle_since_ms = 0;
  };

  // Forks a worker for request's user that starts with this request.
  bool Start(const SpawnRequest& request, int fd0, int fd1);
  void Retire(size_t index);
  void RetireOldestIdleBeyond(int keep);

  Deliverer deliverer_;
  std::string program_;
  bool switch_user_;
  WorkerLimits limits_;
  std::vector<Worker> workers_;
};

}  // namespace ms::send

#endif  // MAILSUITE_SEND_DELIVERY_WORKERS_H_
